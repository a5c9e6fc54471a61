// Direct (unproxied) connections the harness uses for administration.
import pg from "pg";

export interface ConnectionInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export async function withClient<T>(
  info: ConnectionInfo,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(info);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
