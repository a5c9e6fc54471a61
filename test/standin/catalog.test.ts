// rw_catalog answers as RisingWave's does, for the columns the product reads.
import { afterAll, beforeAll, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

let target: RisingWaveTarget;
let schemaId: number;

interface Relation {
  id: number;
  name: string;
  relation_type: string;
}

beforeAll(async () => {
  target = await openRisingWaveTarget();
  for (const sql of [
    "CREATE SCHEMA analytics",
    "CREATE TABLE analytics.orders (id int PRIMARY KEY, amount int, region varchar)",
    "CREATE MATERIALIZED VIEW analytics.by_region AS SELECT region, sum(amount) AS total FROM analytics.orders GROUP BY region",
    "CREATE INDEX by_region_total ON analytics.by_region (total)",
    "CREATE VIEW analytics.big_regions AS SELECT region FROM analytics.by_region WHERE total > 100",
    "CREATE MATERIALIZED VIEW analytics.top AS SELECT region FROM analytics.big_regions",
    "CREATE SINK analytics.to_nowhere FROM analytics.by_region WITH (connector = 'blackhole')",
  ]) {
    await target.query(sql);
  }
  const rows = await target.query<{ id: number }>(
    "SELECT id FROM rw_catalog.rw_schemas WHERE name = 'analytics'",
  );
  schemaId = (rows[0] as { id: number }).id;
});

afterAll(async () => {
  await target?.close();
});

async function relations(): Promise<Map<string, Relation>> {
  const rows = await target.query<Relation>(
    "SELECT id, name, relation_type FROM rw_catalog.rw_relations WHERE schema_id = $1",
    [schemaId],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  expect(byName.size, "each relation listed once").toBe(rows.length);
  return byName;
}

test("rw_schemas lists system and user schemas with integer ids", async () => {
  const rows = await target.query<{ id: number; name: string }>(
    "SELECT id, name FROM rw_catalog.rw_schemas",
  );
  const names = rows.map((r) => r.name);
  expect(names).toEqual(
    expect.arrayContaining([
      "public",
      "pg_catalog",
      "information_schema",
      "rw_catalog",
      "analytics",
    ]),
  );
  expect(names.filter((n) => n.startsWith("rw_standin") || n.startsWith("pg_toast"))).toEqual([]);
  for (const row of rows) expect(Number.isInteger(row.id)).toBe(true);
});

test("rw_relations types every relation once: table, MV, index, view, sink", async () => {
  const byName = await relations();
  expect(Object.fromEntries([...byName.values()].map((r) => [r.name, r.relation_type]))).toEqual({
    orders: "table",
    by_region: "materialized view",
    by_region_total: "index",
    big_regions: "view",
    top: "materialized view",
    to_nowhere: "sink",
  });
  for (const relation of byName.values()) expect(Number.isInteger(relation.id)).toBe(true);
});

test("rw_materialized_views has the definition; rw_indexes points at its MV; rw_sinks lists the sink", async () => {
  const byName = await relations();
  const mvs = await target.query<{
    id: number;
    name: string;
    schema_id: number;
    definition: string;
  }>(
    "SELECT id, name, schema_id, definition FROM rw_catalog.rw_materialized_views WHERE name = 'by_region'",
  );
  expect(mvs).toHaveLength(1);
  expect(mvs[0]?.id).toBe(byName.get("by_region")?.id);
  expect(mvs[0]?.schema_id).toBe(schemaId);
  expect(mvs[0]?.definition).toMatch(
    /^CREATE MATERIALIZED VIEW .*by_region.* AS .*sum\(.*amount/is,
  );

  const indexes = await target.query(
    "SELECT id, name, primary_table_id, schema_id FROM rw_catalog.rw_indexes",
  );
  expect(indexes).toEqual([
    {
      id: byName.get("by_region_total")?.id,
      name: "by_region_total",
      primary_table_id: byName.get("by_region")?.id,
      schema_id: schemaId,
    },
  ]);

  const sinks = await target.query("SELECT id, name, schema_id FROM rw_catalog.rw_sinks");
  expect(sinks).toEqual([
    { id: byName.get("to_nowhere")?.id, name: "to_nowhere", schema_id: schemaId },
  ]);
});

test("rw_depend has an edge from each reader to what it reads", async () => {
  const byName = await relations();
  const rows = await target.query<{ objid: number; refobjid: number }>(
    "SELECT objid, refobjid FROM rw_catalog.rw_depend",
  );
  const names = new Map([...byName.values()].map((r) => [r.id, r.name]));
  const edges = rows
    .filter((e) => names.has(e.objid) && names.has(e.refobjid))
    .map((e) => `${names.get(e.objid)} -> ${names.get(e.refobjid)}`);
  expect(edges).toEqual(
    expect.arrayContaining([
      "by_region -> orders",
      "big_regions -> by_region",
      "to_nowhere -> by_region",
    ]),
  );
  expect(edges.filter((e) => e.startsWith("orders") || e.includes(" -> to_nowhere"))).toEqual([]);
  expect(rows.filter((e) => e.objid === e.refobjid)).toEqual([]);
  if (target.kind === "standin") {
    expect(edges).toContain("top -> big_regions");
    // The stand-in leaves index edges out (indexes go along with their MV on DROP).
    expect(edges.filter((e) => e.startsWith("by_region_total"))).toEqual([]);
  } else {
    // RisingWave may record an MV over a view against the view or against what the view reads.
    expect(edges.filter((e) => e.startsWith("top -> "))).not.toEqual([]);
  }
});

test("rw_ddl_progress has its columns and, with nothing backfilling, no rows", async () => {
  expect(
    await target.query("SELECT ddl_id, ddl_statement, progress FROM rw_catalog.rw_ddl_progress"),
  ).toEqual([]);
});
