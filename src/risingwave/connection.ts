import pg from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import type { Logger } from "../log/logger.js";
import { errorText } from "./errors.js";

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

/** Only these fail for reasons a retry can fix; a wrong password or database never will. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "57P03",
]);

export interface ConnectOptions {
  /** Absent: the standard PG* environment variables, as psql uses them. */
  url?: URL;
  logger: Logger;
  attempts?: number;
  firstDelayMs?: number;
}

function clientConfig(url: URL | undefined): pg.ClientConfig {
  if (!url) return { application_name: "risingwave-zero-downtime-deploy" };
  // libpq semantics for sslmode (require = encrypt without verifying), which is what a
  // RisingWave URL copied from psql or a cloud console means.
  const parsed = parseConnectionString(url.href, { useLibpqCompat: true });
  return {
    ...(parsed as pg.ClientConfig),
    application_name: "risingwave-zero-downtime-deploy",
  };
}

export interface ConnectionTarget {
  host: string;
  port: string;
  /** Empty when the URL names none (the server then uses the user name). */
  database: string;
  user?: string;
}

/** Where a connection goes, from the URL or the PG* variables: never the password. */
export function connectionTarget(url: URL | undefined, env = process.env): ConnectionTarget {
  if (url) {
    return {
      host: url.hostname,
      port: url.port || "5432",
      database: decodeURIComponent(url.pathname.replace(/^\//, "")),
      user: decodeURIComponent(url.username) || undefined,
    };
  }
  return {
    host: env.PGHOST ?? "localhost",
    port: env.PGPORT ?? "5432",
    database: env.PGDATABASE ?? "",
    user: env.PGUSER,
  };
}

/** host:port/database as user — never the password. */
export function describeTarget(url: URL | undefined, env = process.env): string {
  const { host, port, database, user } = connectionTarget(url, env);
  return `${host}:${port}/${database || "(default database)"}${user ? ` as ${user}` : ""}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function explain(error: unknown): string {
  const message = errorText(error);
  switch (errorCode(error)) {
    case "28P01":
    case "28000":
      return `${message}. Check the user and password in database-url (or PGUSER/PGPASSWORD).`;
    case "3D000":
      return `${message}. Check the database name at the end of database-url.`;
    case "ENOTFOUND":
      return `${message}. The host name does not resolve.`;
    default:
      return message;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** libpq's `prefer` (and `allow`) fall back to a plain connection when the server has no TLS. */
function mayFallBackToPlain(url: URL | undefined, error: unknown): boolean {
  const mode = url?.searchParams.get("sslmode");
  return (mode === "prefer" || mode === "allow") && /does not support SSL/i.test(String(error));
}

export async function connect(options: ConnectOptions): Promise<pg.Client> {
  const attempts = options.attempts ?? 4;
  let delay = options.firstDelayMs ?? 500;
  const target = describeTarget(options.url);
  let plain = false;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({
      ...clientConfig(options.url),
      ...(plain ? { ssl: false } : {}),
    });
    // A dropped connection would otherwise crash the process with an unhandled 'error' event.
    client.on("error", () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!plain && mayFallBackToPlain(options.url, error)) {
        plain = true;
        attempt--;
        continue;
      }
      const code = errorCode(error);
      if (attempt >= attempts || !code || !TRANSIENT_CODES.has(code)) {
        throw new ConnectionError(
          `Could not connect to RisingWave at ${target}: ${explain(error)}`,
        );
      }
      options.logger.info(
        `Connecting to ${target} failed (${code}); retrying in ${delay / 1000}s (attempt ${attempt + 1} of ${attempts}).`,
      );
      await sleep(delay);
      delay *= 2;
    }
  }
}
