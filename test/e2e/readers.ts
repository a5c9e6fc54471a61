import pg from "pg";
import { HARNESS_APPLICATION_NAME } from "../support/risingwave/target.js";

export interface ReaderStats {
  reads: number;
  errors: string[];
  longestStallMs: number;
}

/**
 * Readers that query `sql` in a loop on their own connections until stopped: the measure of
 * "zero downtime" is that none of them ever sees an error while a deploy runs.
 */
export function startReaders(url: string, sql: string, count = 4) {
  const stats: ReaderStats = { reads: 0, errors: [], longestStallMs: 0 };
  let running = true;
  const loops = Array.from({ length: count }, async () => {
    const client = new pg.Client({
      connectionString: url,
      application_name: HARNESS_APPLICATION_NAME,
    });
    client.on("error", () => undefined);
    await client.connect();
    try {
      while (running) {
        const started = Date.now();
        try {
          await client.query(sql);
          stats.reads++;
        } catch (error) {
          stats.errors.push((error as Error).message);
        }
        stats.longestStallMs = Math.max(stats.longestStallMs, Date.now() - started);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  return {
    stats,
    async stop(): Promise<ReaderStats> {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}
