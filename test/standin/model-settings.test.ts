// What a model's RisingWave settings send: the session parameters dbt-risingwave sets, by the
// version each arrived in, CREATE INDEX with INCLUDE and DISTRIBUTED BY, and backfill_order.
// Each expectation follows the server's reported version, so it holds on real RisingWave too.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

let target: RisingWaveTarget;
let client: pg.Client;

beforeAll(async () => {
  target = await openRisingWaveTarget();
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await target.query("CREATE TABLE facts (id int, kind varchar, label varchar)");
  await target.query("CREATE TABLE dims (kind varchar, name varchar)");
  await target.query("CREATE MATERIALIZED VIEW by_kind AS SELECT id, kind, label FROM facts");
});

afterAll(async () => {
  await client?.end();
  await target?.close();
});

async function reported(): Promise<[number, number]> {
  const [row] = await target.query<{ version: string }>("SELECT version() AS version");
  const [, major, minor] = /RisingWave-(\d+)\.(\d+)/.exec(row?.version ?? "") ?? [];
  return [Number(major), Number(minor)];
}

const errorOf = async (sql: string) =>
  client.query(sql).then(
    () => undefined,
    (error: Error) => error.message,
  );

describe("session parameters of a model", () => {
  /** The stand-in also reports 2.8, where every one of these exists. */
  test.each(["as reported", "2.8.0"])(
    "a parameter is unknown before its version and set and reset after it (%s)",
    async (version) => {
      if (version !== "as reported") {
        if (target.kind !== "standin") return;
        await target.setReportedVersion(version);
      }
      await checkParameters();
    },
  );

  async function checkParameters(): Promise<void> {
    const [major, minor] = await reported();
    const atLeast = (a: number, b: number) => major > a || (major === a && minor >= b);
    for (const [name, value, since] of [
      ["backfill_rate_limit", "500", [2, 2]],
      ["streaming_parallelism", "2", [2, 2]],
      ["sink_rate_limit", "10", [2, 3]],
      ["streaming_parallelism_for_index", "3", [2, 4]],
      ["enable_index_selection", "false", [2, 7]],
      ["enable_serverless_backfill", "true", [2, 8]],
    ] as const) {
      const error = await errorOf(`SET ${name} = ${value}`);
      if (!atLeast(since[0], since[1])) {
        expect(error, name).toMatch(/Unrecognized config entry/);
        continue;
      }
      expect(error, name).toBeUndefined();
      const shown = await client.query(`SHOW ${name}`);
      expect(String(Object.values(shown.rows[0] ?? {})[0]), name).toBe(value);
      expect(await errorOf(`SET ${name} = DEFAULT`), name).toBeUndefined();
      // Each value above differs from the parameter's default.
      const reset = await client.query(`SHOW ${name}`);
      expect(String(Object.values(reset.rows[0] ?? {})[0]), name).not.toBe(value);
    }
  }

  test("a value the parameter's type does not parse is refused", async () => {
    expect(await errorOf("SET backfill_rate_limit = 'fast'")).toMatch(/invalid/i);
    expect(await errorOf("SET streaming_parallelism = 'many'")).toMatch(/invalid/i);
  });
});

describe("index options and backfill order", () => {
  test("CREATE INDEX keeps INCLUDE and DISTRIBUTED BY in rw_indexes.definition", async () => {
    await client.query(
      'CREATE INDEX "by_kind_idx" ON "public"."by_kind" ("kind") INCLUDE ("label") DISTRIBUTED BY ("kind")',
    );
    const [row] = await target.query<{ definition: string }>(
      "SELECT definition FROM rw_catalog.rw_indexes WHERE name = 'by_kind_idx'",
    );
    expect(row?.definition).toMatch(/INCLUDE ?\(.*label.*\) DISTRIBUTED BY ?\(.*kind.*\)/i);
  });

  test("backfill_order is an MV option from 2.5 on, naming relations that exist", async () => {
    const [major, minor] = await reported();
    const create = (edge: string) =>
      errorOf(
        `CREATE MATERIALIZED VIEW joined WITH (backfill_order = FIXED(${edge})) AS ` +
          "SELECT f.id, d.name FROM facts f JOIN dims d ON d.kind = f.kind",
      );
    if (major === 2 && minor < 5) {
      expect(await create('"public"."dims" -> "public"."facts"')).toBeDefined();
      return;
    }
    expect(await create('"public"."nothing" -> "public"."facts"')).toMatch(/not found/i);
    expect(await create('"public"."dims" -> "public"."facts"')).toBeUndefined();
    const names = await target.query<{ name: string }>(
      "SELECT name FROM rw_catalog.rw_materialized_views WHERE name = 'joined'",
    );
    expect(names).toHaveLength(1);
  });

  test("from 2.7 on, each backfill_order relation must be one the query scans", async (context) => {
    const own = await openRisingWaveTarget();
    try {
      if (own.kind !== "standin") context.skip("the stand-in's reported version is set here");
      await own.query("CREATE TABLE facts (id int, kind varchar)");
      await own.query("CREATE TABLE dims (kind varchar, name varchar)");
      await own.query("CREATE TABLE unrelated (id int)");
      const create = async (name: string, edge: string) => {
        try {
          await own.query(
            `CREATE MATERIALIZED VIEW ${name} WITH (backfill_order = FIXED(${edge})) AS ` +
              "SELECT f.id, d.name FROM facts f JOIN dims d ON d.kind = f.kind",
          );
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      };
      await own.setReportedVersion("2.6.0");
      expect(await create("before", '"public"."unrelated" -> "public"."facts"')).toBeUndefined();
      await own.setReportedVersion("2.7.0");
      expect(await create("after", '"public"."unrelated" -> "public"."facts"')).toBe(
        `Table or source '"public"."unrelated"' specified in backfill_order is not used in the query`,
      );
      expect(await create("scanned", '"public"."dims" -> "public"."facts"')).toBeUndefined();
      const names = await own.query<{ name: string }>(
        "SELECT name FROM rw_catalog.rw_materialized_views ORDER BY name",
      );
      expect(names.map((row) => row.name)).toEqual(["before", "scanned"]);
    } finally {
      await own.close();
    }
  });
});
