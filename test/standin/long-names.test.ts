// Names longer than PostgreSQL's 63 bytes, as temp MVs and retired indexes get:
// RisingWave keeps them whole, and so must the stand-in.
import { afterAll, beforeAll, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

let target: RisingWaveTarget;
const model = "orders_summary_by_customer_region";
const temp = `${model}_dbt_zero_down_tmp_20231201T143022_123456Z`;
const retired = (n: number) => `__dbt_retired_index_${temp}_${n}`;

beforeAll(async () => {
  target = await openRisingWaveTarget();
  await target.query("CREATE TABLE src (id int, region varchar)");
});

afterAll(async () => {
  await target?.close();
});

test("long MV and index names are kept whole and distinct, and SWAP works with them", async () => {
  expect(Buffer.byteLength(temp)).toBeGreaterThan(63);
  await target.query(`CREATE MATERIALIZED VIEW ${model} AS SELECT id, region FROM src`);
  await target.query(
    `CREATE MATERIALIZED VIEW "${temp}" AS SELECT id, region FROM src WHERE id > 0`,
  );
  await target.query(`CREATE INDEX by_id ON "${temp}" (id)`);
  await target.query(`CREATE INDEX by_region ON "${temp}" (region)`);
  // Two names that differ only after byte 63.
  await target.query(`ALTER INDEX by_id RENAME TO "${retired(1)}"`);
  await target.query(`ALTER INDEX by_region RENAME TO "${retired(2)}"`);

  const relations = await target.query<{ name: string; relation_type: string }>(
    "SELECT name, relation_type FROM rw_catalog.rw_relations WHERE name LIKE $1 ORDER BY name",
    [`%${model}%`],
  );
  expect(relations).toEqual([
    { name: retired(1), relation_type: "index" },
    { name: retired(2), relation_type: "index" },
    { name: model, relation_type: "materialized view" },
    { name: temp, relation_type: "materialized view" },
  ]);

  await target.query(`ALTER MATERIALIZED VIEW ${model} SWAP WITH "${temp}"`);
  const indexes = await target.query<{ name: string; on: string }>(
    `SELECT i.name, m.name AS on FROM rw_catalog.rw_indexes i
       JOIN rw_catalog.rw_materialized_views m ON m.id = i.primary_table_id ORDER BY i.name`,
  );
  expect(indexes).toEqual([
    { name: retired(1), on: model },
    { name: retired(2), on: model },
  ]);

  await target.query(`DROP MATERIALIZED VIEW "${temp}"`);
  const left = await target.query(
    "SELECT name FROM rw_catalog.rw_materialized_views WHERE name = $1",
    [temp],
  );
  expect(left).toEqual([]);
});
