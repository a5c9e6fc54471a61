import pg from "pg";
import { HARNESS_APPLICATION_NAME } from "../support/risingwave/target.js";

export interface ReaderStats {
  reads: number;
  errors: string[];
  longestStallMs: number;
}

/** `count` connections, each running `read` in a loop until `running()` says stop. */
function readerLoops(
  url: string,
  count: number,
  running: () => boolean,
  read: (client: pg.Client) => Promise<void>,
): Promise<void[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = new pg.Client({
        connectionString: url,
        application_name: HARNESS_APPLICATION_NAME,
      });
      client.on("error", () => undefined);
      await client.connect();
      try {
        while (running()) await read(client);
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
}

/**
 * Readers that query `sql` in a loop on their own connections until stopped: the measure of
 * "zero downtime" is that none of them ever sees an error while a deploy runs.
 */
export function startReaders(url: string, sql: string, count = 4) {
  const stats: ReaderStats = { reads: 0, errors: [], longestStallMs: 0 };
  let running = true;
  const loops = readerLoops(
    url,
    count,
    () => running,
    async (client) => {
      const started = Date.now();
      try {
        await client.query(sql);
        stats.reads++;
      } catch (error) {
        stats.errors.push((error as Error).message);
      }
      stats.longestStallMs = Math.max(stats.longestStallMs, Date.now() - started);
    },
  );
  return {
    stats,
    async stop(): Promise<ReaderStats> {
      running = false;
      await loops;
      return stats;
    },
  };
}

export interface Sample {
  startedAt: number;
  endedAt: number;
  /** The first row's values, as text. */
  values: string[];
}

/**
 * Readers that run `sql` (one row) in a loop and keep every answer with when it was asked and
 * answered, so a test can tell which answers could have seen a moment of change.
 */
export function startRecordingReaders(url: string, sql: string, count = 4) {
  const samples: Sample[] = [];
  const errors: string[] = [];
  let running = true;
  const loops = readerLoops(
    url,
    count,
    () => running,
    async (client) => {
      const startedAt = Date.now();
      try {
        const result = await client.query(sql);
        const row = (result.rows[0] ?? {}) as Record<string, unknown>;
        samples.push({
          startedAt,
          endedAt: Date.now(),
          values: Object.values(row).map((value) => String(value)),
        });
      } catch (error) {
        errors.push((error as Error).message);
      }
    },
  );
  return {
    async stop(): Promise<{ samples: Sample[]; errors: string[] }> {
      running = false;
      await loops;
      return { samples, errors };
    },
  };
}
