import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRepo,
  pushEvent,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import {
  CUSTOMER_TOTALS_V2,
  exampleProjectFiles,
  exampleSetupStatements,
} from "./example-project.js";
import { startReaders } from "./readers.js";

describe("deploy through dist/index.js", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    for (const statement of exampleSetupStatements()) await target.query(statement);
    repo = createRepo({ files: exampleProjectFiles() });
  });
  afterAll(async () => {
    await target?.close();
    repo?.remove();
  });

  it("creates every MV of a new project", async () => {
    const result = await runAction({
      repo,
      inputs: { "database-url": target.url, models: "all", comment: "false" },
      event: workflowDispatchEvent(),
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.created ?? "[]")).toEqual([
      "public.stg_orders",
      "public.customer_totals",
      "public.big_spenders",
    ]);
    const totals = await target.query<{ customer_id: number; total_amount: string }>(
      "SELECT customer_id, total_amount FROM public.customer_totals ORDER BY customer_id",
    );
    expect(totals.map((row) => [row.customer_id, Number(row.total_amount)])).toEqual([
      [10, 125],
      [11, 60],
      [12, 300],
    ]);
    const indexes = await target.query<{ name: string }>(
      `SELECT i.name FROM rw_catalog.rw_indexes i
        JOIN rw_catalog.rw_materialized_views m ON m.id = i.primary_table_id
        WHERE m.name = 'customer_totals'`,
    );
    expect(indexes.map((row) => row.name)).toEqual(["__dbt_index_customer_totals_customer_id"]);
  });

  it("swaps a changed MV and its downstream MV while readers see no error", async () => {
    const before = repo.revParse();
    const after = repo.commit(
      { "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 },
      "customer_totals: add largest_order",
    );
    const readers = startReaders(target.url, "SELECT count(*) FROM public.customer_totals");
    const result = await runAction({
      repo,
      inputs: { "database-url": target.url, comment: "false" },
      event: pushEvent({ before, after }),
    });
    const stats = await readers.stop();
    expect(result.exitCode, result.log).toBe(0);

    expect(stats.errors).toEqual([]);
    expect(stats.reads).toBeGreaterThan(20);

    expect(JSON.parse(result.outputs.swapped ?? "[]")).toEqual([
      "public.customer_totals",
      "public.big_spenders",
    ]);
    const largest = await target.query<{ customer_id: number; largest_order: string }>(
      "SELECT customer_id, largest_order FROM public.customer_totals ORDER BY customer_id",
    );
    expect(largest.map((row) => [row.customer_id, Number(row.largest_order)])).toEqual([
      [10, 85],
      [11, 60],
      [12, 300],
    ]);

    const plan = JSON.parse(result.outputs.plan ?? "{}");
    const totalsPlan = plan.models.find(
      (model: { model: string }) => model.model === "customer_totals",
    );
    expect(totalsPlan).toMatchObject({
      action: "zero-downtime",
      reason: expect.stringContaining("SQL"),
    });
    const preserved: string[] = JSON.parse(result.outputs["preserved-temp-mvs"] ?? "[]");
    expect(preserved).toContain(totalsPlan.tempRelation);
    expect(result.log).toContain(
      "Using zero downtime rebuild with SWAP for materialized view update.",
    );
    expect(result.log).toContain(
      `Preserving temporary materialized view for downstream dependencies: "public"."${totalsPlan.tempRelation.split(".")[1]}"`,
    );

    // The previous version is kept under the temporary name, without the new column.
    const oldColumns = await target.query<{ count: string }>(
      `SELECT count(*) FROM "public"."${totalsPlan.tempRelation.split(".")[1]}"`,
    );
    expect(Number(oldColumns[0]?.count)).toBe(3);

    // big_spenders was rebuilt after customer_totals and so reads the new version.
    const dependsOnNew = await target.query<{ name: string }>(
      `SELECT r.name FROM rw_catalog.rw_depend d
        JOIN rw_catalog.rw_relations r ON r.id = d.objid
        JOIN rw_catalog.rw_relations u ON u.id = d.refobjid
        WHERE u.name = 'customer_totals'`,
    );
    expect(dependsOnNew.map((row) => row.name)).toEqual(["big_spenders"]);

    // The canonical index name moved to the new version.
    const indexes = await target.query<{ index_name: string; mv: string }>(
      `SELECT i.name AS index_name, m.name AS mv FROM rw_catalog.rw_indexes i
        JOIN rw_catalog.rw_materialized_views m ON m.id = i.primary_table_id
        WHERE i.name = '__dbt_index_customer_totals_customer_id'`,
    );
    expect(indexes).toEqual([
      { index_name: "__dbt_index_customer_totals_customer_id", mv: "customer_totals" },
    ]);
  });
});
