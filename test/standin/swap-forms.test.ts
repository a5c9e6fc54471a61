// The spellings of SWAP WITH the product may send, and how failures leave things.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

let target: RisingWaveTarget;

beforeAll(async () => {
  target = await openRisingWaveTarget();
  await target.query('CREATE SCHEMA "Mart"');
  await target.query("CREATE SCHEMA other");
  await target.query("CREATE TABLE src (id int, marker varchar)");
  await target.query("INSERT INTO src VALUES (1, 'old'), (2, 'new')");
  await target.query("FLUSH");
});

afterAll(async () => {
  await target?.close();
});

async function markerOf(relation: string): Promise<string> {
  const rows = await target.query<{ marker: string }>(
    `SELECT max(marker) AS marker FROM ${relation}`,
  );
  return (rows[0] as { marker: string }).marker;
}

async function createPair(first: string, second: string): Promise<void> {
  await target.query(
    `CREATE MATERIALIZED VIEW ${first} AS SELECT id, marker FROM src WHERE marker = 'old'`,
  );
  await target.query(
    `CREATE MATERIALIZED VIEW ${second} AS SELECT id, marker FROM src WHERE marker = 'new'`,
  );
}

test("schema-qualified, quoted mixed-case names, lower-case keywords", async () => {
  await createPair('"Mart"."Orders"', '"Mart".orders_next');
  await target.query('alter materialized view "Mart"."Orders" swap with "Mart".orders_next');
  expect(await markerOf('"Mart"."Orders"')).toBe("new");
  expect(await markerOf('"Mart".orders_next')).toBe("old");
});

test("ALTER TABLE ... SWAP WITH exchanges tables", async () => {
  await target.query("CREATE TABLE t_live (marker varchar)");
  await target.query("CREATE TABLE t_next (marker varchar)");
  await target.query("INSERT INTO t_live VALUES ('old')");
  await target.query("INSERT INTO t_next VALUES ('new')");
  await target.query("FLUSH");
  await target.query("ALTER TABLE t_live SWAP WITH t_next");
  expect(await markerOf("t_live")).toBe("new");
  expect(await markerOf("t_next")).toBe("old");
});

test("grants (GRANT ... ON MATERIALIZED VIEW) stay with the object across a SWAP", async () => {
  const role = `reader_${randomBytes(4).toString("hex")}`;
  await createPair("granted_a", "granted_b");
  await target.query(`CREATE USER ${role}`);
  try {
    await target.query(`GRANT SELECT ON MATERIALIZED VIEW granted_a TO ${role}`);
    await target.query("ALTER MATERIALIZED VIEW granted_a SWAP WITH granted_b");
    if (target.kind === "standin") {
      const can = await target.query(
        `SELECT has_table_privilege($1, 'granted_a', 'SELECT') AS a, has_table_privilege($1, 'granted_b', 'SELECT') AS b`,
        [role],
      );
      expect(can).toEqual([{ a: false, b: true }]);
    }
    await target.query(`REVOKE SELECT ON MATERIALIZED VIEW granted_b FROM ${role}`);
  } finally {
    await target.query(`DROP USER ${role}`);
  }
});

test("SWAP with a missing name fails and changes nothing", async () => {
  await createPair("kept_a", "kept_b");
  await expect(target.query("ALTER MATERIALIZED VIEW kept_a SWAP WITH no_such_mv")).rejects.toThrow(
    /no_such_mv/,
  );
  expect(await markerOf("kept_a")).toBe("old");
  expect(await markerOf("kept_b")).toBe("new");
});

test("stand-in: SWAP across schemas is refused; inside a transaction it does not commit it", async (context) => {
  if (target.kind !== "standin") context.skip("RisingWave DDL is not transactional");
  await createPair("public.cross_a", "other.cross_b");
  await expect(
    target.query("ALTER MATERIALIZED VIEW cross_a SWAP WITH other.cross_b"),
  ).rejects.toThrow(/same schema/);

  const session = new pg.Client({ connectionString: target.url });
  await session.connect();
  try {
    await createPair("tx_a", "tx_b");
    await session.query("BEGIN");
    await session.query("ALTER MATERIALIZED VIEW tx_a SWAP WITH tx_b");
    await session.query("ROLLBACK");
  } finally {
    await session.end();
  }
  expect(await markerOf("tx_a")).toBe("old");
});
