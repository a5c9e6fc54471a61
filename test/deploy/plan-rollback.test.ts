import { describe, expect, it } from "vitest";
import { planRollback } from "../../src/deploy/rollback/plan-rollback.js";
import { catalog, mv } from "../plan/fixtures.js";

const now = new Date(Date.UTC(2026, 0, 2));
const temp = (base: string, stamp: string) => `${base}_dbt_zero_down_tmp_${stamp}_000000Z`;

describe("planRollback", () => {
  // orders (id 20) and totals (id 21, reads orders) were deployed at T2, replacing ids 10 and 11.
  const deployed = catalog({
    relations: [
      mv(10, temp("orders", "20260101T020000"), "analytics"),
      mv(11, temp("totals", "20260101T020000"), "analytics"),
      mv(5, temp("orders", "20260101T010000"), "analytics"),
      mv(20, "orders"),
      mv(21, "totals"),
      mv(30, temp("totals", "20260101T030000"), "analytics"),
    ],
    depends: [
      { objid: 21, refobjid: 20 },
      { objid: 11, refobjid: 10 },
    ],
  });

  it("with no names takes the newest deploy's previous versions, upstream first", () => {
    const plan = planRollback(deployed, [], "analytics", now);
    expect(plan.refusals).toEqual([]);
    expect(plan.units.map((unit) => [unit.model, unit.targetId, unit.tempId])).toEqual([
      ["orders", 20, 10],
      ["totals", 21, 11],
    ]);
    expect(plan.units[0]?.swaps[0]?.sql).toBe(
      `ALTER MATERIALIZED VIEW "analytics"."orders" SWAP WITH "analytics"."${temp("orders", "20260101T020000")}"`,
    );
  });

  it("never takes a temp with a larger id than the live MV (never swapped in)", () => {
    const plan = planRollback(deployed, ["totals"], "analytics", now);
    expect(plan.units.map((unit) => unit.tempId)).toEqual([11]);
  });

  it("names what keeps reading the version rolled back, and refuses a model with no previous version", () => {
    const upstreamOnly = planRollback(deployed, ["orders"], "analytics", now);
    expect(upstreamOnly.warnings).toEqual([
      `analytics.totals reads the version of analytics.orders being rolled back and is not rolled back with it: it keeps reading that version under analytics.${temp("orders", "20260101T020000")}`,
    ]);
    const refused = planRollback(
      catalog({ relations: [mv(20, "orders")] }),
      ["orders"],
      "analytics",
      now,
    );
    expect(refused.refusals).toEqual([
      "analytics.orders has no previous version to go back to: it was dropped (immediate cleanup or a cleanup sweep) or never existed; redeploy the previous commit instead",
    ]);
  });

  it("hands the index names the deploy moved back to the version it restores", () => {
    const previous = temp("orders", "20260101T020000");
    const index = (id: number, name: string, onId: number, columns: string) => ({
      id,
      name,
      schema: "analytics",
      onId,
      definition: `CREATE INDEX ${name} ON analytics.x (${columns})`,
    });
    const withIndexes = catalog({
      relations: [mv(10, previous, "analytics"), mv(20, "orders")],
      indexes: [
        index(1, "__dbt_index_orders_id", 20, "id"),
        index(2, "by_kind", 20, "kind"),
        index(3, "__dbt_index_orders_total", 20, "total"),
        index(4, `__dbt_retired_index_${previous}_1`, 10, "id"),
        index(5, `__dbt_retired_index_${previous}_2`, 10, "kind"),
        index(6, `__dbt_retired_index_${previous}_3`, 10, "amount"),
        index(7, "hand_made_later", 10, "id"),
        // rw_indexes.definition need not spell the name as the catalog holds it.
        { ...index(8, "odd_name", 20, "region"), name: 'odd"name' },
        index(9, `__dbt_retired_index_${previous}_4`, 10, "region"),
      ],
    });
    const [unit] = planRollback(withIndexes, ["orders"], "analytics", now).units;
    const rename = (from: string, to: string) =>
      `ALTER INDEX "analytics"."${from}" RENAME TO "${to}"`;
    expect(unit?.indexRenames).toEqual([
      rename("__dbt_index_orders_id", `__dbt_swapping_index_${previous}_1`),
      rename(`__dbt_retired_index_${previous}_1`, "__dbt_index_orders_id"),
      rename(`__dbt_swapping_index_${previous}_1`, `__dbt_retired_index_${previous}_1`),
      rename("by_kind", `__dbt_swapping_index_${previous}_2`),
      rename(`__dbt_retired_index_${previous}_2`, "by_kind"),
      rename(`__dbt_swapping_index_${previous}_2`, `__dbt_retired_index_${previous}_2`),
    ]);
  });
});
