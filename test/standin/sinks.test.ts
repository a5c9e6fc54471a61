// CREATE SINK / DROP SINK forms. On the stand-in sinks are catalog entries only.
import { afterAll, beforeAll, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

let target: RisingWaveTarget;

beforeAll(async () => {
  target = await openRisingWaveTarget();
  await target.query("CREATE TABLE src (id int, amount int)");
  await target.query(
    "CREATE MATERIALIZED VIEW totals AS SELECT id, sum(amount) AS total FROM src GROUP BY id",
  );
});

afterAll(async () => {
  await target?.close();
});

async function sinkNames(): Promise<string[]> {
  const rows = await target.query<{ name: string }>(
    "SELECT name FROM rw_catalog.rw_sinks ORDER BY name",
  );
  return rows.map((r) => r.name);
}

test("FROM and AS forms, IF NOT EXISTS, DROP SINK [IF EXISTS]", async () => {
  await target.query("CREATE SINK from_form FROM totals WITH (connector = 'blackhole')");
  await target.query(
    "CREATE SINK as_form AS SELECT id, total FROM totals WHERE total > 0 WITH (connector = 'blackhole')",
  );
  await target.query(
    "CREATE SINK IF NOT EXISTS from_form FROM totals WITH (connector = 'blackhole')",
  );
  expect(await sinkNames()).toEqual(["as_form", "from_form"]);
  await expect(
    target.query("CREATE SINK from_form FROM totals WITH (connector = 'blackhole')"),
  ).rejects.toThrow(/from_form/);

  await target.query("DROP SINK as_form");
  await target.query("DROP SINK IF EXISTS as_form");
  await expect(target.query("DROP SINK as_form")).rejects.toThrow(/as_form/);
  expect(await sinkNames()).toEqual(["from_form"]);
});

test("a sink is not a view, and DROP SINK does not drop views", async () => {
  await target.query("CREATE VIEW plain_view AS SELECT id FROM totals");
  await target.query("CREATE SINK reads_totals FROM totals WITH (connector = 'blackhole')");
  const views = await target.query<{ name: string }>(
    `SELECT v.name FROM rw_catalog.rw_views v JOIN rw_catalog.rw_schemas s ON s.id = v.schema_id
      WHERE s.name = 'public'`,
  );
  expect(views.map((v) => v.name)).toEqual(["plain_view"]);
  await expect(target.query("DROP SINK plain_view")).rejects.toThrow(/plain_view/);
  expect(
    await target.query(
      "SELECT relation_type FROM rw_catalog.rw_relations WHERE name = 'reads_totals'",
    ),
  ).toEqual([{ relation_type: "sink" }]);
});
