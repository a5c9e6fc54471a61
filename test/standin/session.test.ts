// Session-level behaviour the product relies on: version(), EXPLAIN CREATE as a
// dry-run validator, background DDL settings, WAIT, and the statement log.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

let target: RisingWaveTarget;
let client: pg.Client;

beforeAll(async () => {
  target = await openRisingWaveTarget();
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await target.query("CREATE TABLE src (id int, amount int)");
  await target.query("CREATE MATERIALIZED VIEW totals AS SELECT sum(amount) AS total FROM src");
});

afterAll(async () => {
  await client?.end();
  await target?.close();
});

async function version(on: RisingWaveTarget): Promise<string> {
  const rows = await on.query<{ version: string }>("SELECT version() AS version");
  return (rows[0] as { version: string }).version;
}

async function relationNames(): Promise<string[]> {
  const rows = await target.query<{ name: string }>(
    "SELECT name FROM rw_catalog.rw_relations WHERE relation_type <> 'system table' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

describe("version()", () => {
  test("reports RisingWave (2.x on the stand-in, at least 2.2 anywhere) in the documented format", async () => {
    const reported = await version(target);
    const [, major, minor] =
      /^PostgreSQL \d+\.\d+\.\d+-RisingWave-(\d+)\.(\d+)\.\d+/.exec(reported) ?? [];
    expect(Number(major) * 1000 + Number(minor)).toBeGreaterThanOrEqual(2002);
    if (target.kind === "standin") expect(major).toBe("2");
  });

  test("setReportedVersion changes it for that database only; real RisingWave refuses it", async () => {
    if (target.kind === "risingwave") {
      await expect(target.setReportedVersion("2.1.0")).rejects.toThrow(/not supported/);
      return;
    }
    const other = await openRisingWaveTarget();
    try {
      await target.setReportedVersion("2.1.0");
      expect(await version(target)).toBe("PostgreSQL 13.14.0-RisingWave-2.1.0 (standin)");
      expect(await version(other)).toBe("PostgreSQL 13.14.0-RisingWave-2.6.0 (standin)");
      const extended = await client.query("SELECT version() AS v WHERE $1::int = 1", [1]);
      expect(extended.rows[0].v).toContain("RisingWave-2.1.0");
    } finally {
      await target.setReportedVersion("2.6.0");
      await other.close();
    }
  });
});

describe("EXPLAIN CREATE MATERIALIZED VIEW", () => {
  test("plans an existing name without creating or changing anything", async () => {
    const before = await relationNames();
    const plan = await client.query(
      "EXPLAIN CREATE MATERIALIZED VIEW totals AS SELECT id, amount FROM src",
    );
    expect(plan.rows.length).toBeGreaterThan(0);
    const extended = await client.query({
      name: "explain_new",
      text: "EXPLAIN CREATE MATERIALIZED VIEW brand_new AS SELECT sum(amount) FROM src",
    });
    expect(extended.rows.length).toBeGreaterThan(0);
    expect(await relationNames()).toEqual(before);
  });

  test("reports errors of the query: unknown column, unknown table", async () => {
    await expect(
      client.query("EXPLAIN CREATE MATERIALIZED VIEW totals AS SELECT nope FROM src"),
    ).rejects.toThrow(/nope/);
    await expect(
      client.query("EXPLAIN CREATE MATERIALIZED VIEW totals AS SELECT id FROM missing_table"),
    ).rejects.toThrow(/missing_table/);
  });
});

describe("background DDL and WAIT", () => {
  test("SET BACKGROUND_DDL in both spellings, SHOW and WAIT are accepted", async () => {
    await client.query("SET BACKGROUND_DDL = true");
    const shown = await client.query("SHOW BACKGROUND_DDL");
    expect(Object.values(shown.rows[0] as object)).toEqual(["true"]);
    await client.query("CREATE MATERIALIZED VIEW background_mv AS SELECT id FROM src");
    await client.query("WAIT");
    await client.query("SET background_ddl TO false");
    expect(Object.values((await client.query("SHOW background_ddl")).rows[0] as object)).toEqual([
      "false",
    ]);
    expect(await relationNames()).toContain("background_mv");
  });

  test("WAIT MATERIALIZED VIEW x is accepted for an existing MV from v3.0 and a syntax error before", async (context) => {
    if (target.kind !== "standin") context.skip("only the stand-in can change its version");
    await expect(client.query("WAIT MATERIALIZED VIEW totals")).rejects.toThrow(/parser error/);
    await target.setReportedVersion("3.0.0");
    try {
      await client.query("WAIT MATERIALIZED VIEW totals");
      await expect(client.query("WAIT MATERIALIZED VIEW no_such_mv")).rejects.toThrow(/no_such_mv/);
    } finally {
      await target.setReportedVersion("2.6.0");
    }
  });
});

describe("statement log", () => {
  test("records the product's SQL in order, simple and extended, and keeps the harness's apart", async () => {
    target.clearStatements();
    await client.query("SELECT 1 AS one");
    await client.query("SELECT $1::int AS two", [2]);
    await client.query("ALTER MATERIALIZED VIEW totals RENAME TO totals_renamed");
    await target.query("SELECT 3 AS harness_only");
    await client.query("ALTER MATERIALIZED VIEW totals_renamed RENAME TO totals");
    expect(target.statements()).toEqual([
      "SELECT 1 AS one",
      "SELECT $1::int AS two",
      "ALTER MATERIALIZED VIEW totals RENAME TO totals_renamed",
      "ALTER MATERIALIZED VIEW totals_renamed RENAME TO totals",
    ]);
    expect(target.harnessStatements()).toContain("SELECT 3 AS harness_only");
    target.clearStatements();
    expect(target.statements()).toEqual([]);
    expect(target.harnessStatements()).toEqual([]);
  });
});
