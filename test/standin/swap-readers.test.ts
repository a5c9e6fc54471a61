// The zero-downtime claim, measured: readers querying an MV name in a loop while
// it is swapped see no error. The control (three separate renames) shows that the
// same readers do catch a moment where the name is missing.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { Readers, sleep } from "./readers.js";

const OLD_ROWS = 3;
const NEW_ROWS = 5;
const EXPECTED = { old: OLD_ROWS, new: NEW_ROWS };

let target: RisingWaveTarget;
let deployer: pg.Client;

beforeAll(async () => {
  target = await openRisingWaveTarget();
  deployer = new pg.Client({ connectionString: target.url });
  await deployer.connect();
  await target.query("CREATE TABLE src (id int, marker varchar)");
  await target.query(
    "INSERT INTO src SELECT g, 'old' FROM generate_series(1, 3) g " +
      "UNION ALL SELECT g, 'new' FROM generate_series(11, 15) g",
  );
  await target.query("FLUSH");
});

afterAll(async () => {
  await deployer?.end();
  await target?.close();
});

async function createPair(live: string, staged: string): Promise<void> {
  await target.query(
    `CREATE MATERIALIZED VIEW ${live} AS SELECT id, marker FROM src WHERE marker = 'old'`,
  );
  await target.query(
    `CREATE MATERIALIZED VIEW ${staged} AS SELECT id, marker FROM src WHERE marker = 'new'`,
  );
}

describe(`SWAP under concurrent readers`, () => {
  test("ALTER MATERIALIZED VIEW ... SWAP WITH is atomic for 8 readers (simple and extended protocol)", async () => {
    await createPair("live_a", "staged_a");
    const readers = await Readers.start(target.url, "live_a", EXPECTED);
    try {
      await readers.waitForMoreReads(100);
      await deployer.query("ALTER MATERIALIZED VIEW live_a SWAP WITH staged_a");
      await readers.waitForMoreReads(100);
      // Same statement through the extended protocol (a named prepared statement).
      await deployer.query({
        name: "swap_back",
        text: "ALTER MATERIALIZED VIEW public.live_a SWAP WITH public.staged_a",
      });
      await readers.waitForMoreReads(100);
      await deployer.query('ALTER MATERIALIZED VIEW "live_a" SWAP WITH "staged_a"');
      await readers.waitForMoreReads(100);
    } finally {
      const result = await readers.stop();
      expect(result.errors).toEqual([]);
      expect(result.reads).toBeGreaterThanOrEqual(400);
      expect(result.markers).toEqual(new Set(["old", "new"]));
    }
    const after = await target.query<{ n: number; marker: string }>(
      "SELECT count(*)::int AS n, max(marker) AS marker FROM live_a",
    );
    expect(after).toEqual([{ n: NEW_ROWS, marker: "new" }]);
    const staged = await target.query<{ marker: string }>("SELECT DISTINCT marker FROM staged_a");
    expect(staged).toEqual([{ marker: "old" }]);
  });

  test("control: three separate renames are NOT atomic and the same readers see errors", async () => {
    await createPair("live_b", "staged_b");
    const readers = await Readers.start(target.url, "live_b", EXPECTED);
    let result;
    try {
      await readers.waitForMoreReads(50);
      await deployer.query("ALTER MATERIALIZED VIEW live_b RENAME TO scratch_b");
      await sleep(150);
      await deployer.query("ALTER MATERIALIZED VIEW staged_b RENAME TO live_b");
      await sleep(50);
      await deployer.query("ALTER MATERIALIZED VIEW scratch_b RENAME TO staged_b");
      await readers.waitForMoreReads(50);
    } finally {
      result = await readers.stop();
    }
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.reads).toBeGreaterThanOrEqual(100);
  });
});
