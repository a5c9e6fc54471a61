import { describe, expect, it } from "vitest";
import { buildPlan, planWarnings } from "../../src/plan/build-plan.js";
import { planToJson } from "../../src/plan/plan-json.js";
import { PlanError } from "../../src/plan/types.js";
import { catalog, defaultPlanOptions, model, mv, planNow, project } from "./fixtures.js";

const now = planNow;
const options = defaultPlanOptions;

describe("buildPlan", () => {
  it("creates a new MV with indexes, grants and comments", () => {
    const orders = model(
      "orders",
      "select 1 as id",
      {
        indexes: [{ columns: ["id"] }],
        grants: { select: ["reporter"] },
        persistDocs: { relation: true, columns: true },
      },
      { description: "All orders", columns: [{ name: "id", description: "it's the id" }] },
    );
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "new model" }],
      catalog: catalog({}),
      options,
      now,
    });
    expect(planToJson(plan).models[0]).toMatchObject({
      model: "orders",
      relation: "analytics.orders",
      action: "create",
      reason: "new model",
      statements: [
        "SET BACKGROUND_DDL = true",
        'CREATE MATERIALIZED VIEW "analytics"."orders" AS select 1 as id',
        "SET BACKGROUND_DDL = false",
        'CREATE INDEX "__dbt_index_orders_id" ON "analytics"."orders" ("id")',
        'GRANT SELECT ON MATERIALIZED VIEW "analytics"."orders" TO "reporter"',
        `COMMENT ON TABLE "analytics"."orders" IS 'All orders'`,
        `COMMENT ON COLUMN "analytics"."orders"."id" IS 'it''s the id'`,
      ],
    });
  });

  it("rebuilds an existing MV with the zero-downtime sequence and hands index names over", () => {
    const orders = model("orders", "select 2 as id", {
      indexes: [{ columns: ["id"] }],
      grants: { select: ["reporter"] },
    });
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "definition changed" }],
      catalog: catalog({
        relations: [
          mv(1, "orders"),
          { id: 2, name: "__dbt_index_orders_id", schema: "analytics", type: "index" },
        ],
        indexes: [{ id: 2, name: "__dbt_index_orders_id", schema: "analytics", onId: 1 }],
        depends: [{ objid: 2, refobjid: 1 }],
      }),
      options: { ...options, backgroundDdl: false },
      now,
    });
    const temp = "orders_dbt_zero_down_tmp_20261121T101112_123000Z";
    const json = planToJson(plan).models[0];
    expect(json).toMatchObject({
      action: "zero-downtime",
      tempRelation: `analytics.${temp}`,
      immediateCleanup: false,
      readers: [],
    });
    expect(json?.statements).toEqual([
      `CREATE MATERIALIZED VIEW "analytics"."${temp}" AS select 2 as id`,
      `CREATE INDEX "__dbt_index_${temp}_id" ON "analytics"."${temp}" ("id")`,
      `GRANT SELECT ON MATERIALIZED VIEW "analytics"."${temp}" TO "reporter"`,
      `ALTER MATERIALIZED VIEW "analytics"."orders" SWAP WITH "analytics"."${temp}"`,
      `ALTER INDEX "analytics"."__dbt_index_orders_id" RENAME TO "__dbt_retired_index_${temp}_1"`,
      `ALTER INDEX "analytics"."__dbt_index_${temp}_id" RENAME TO "__dbt_index_orders_id"`,
    ]);
  });

  it("adds downstream MV models in order and names outside readers and sinks", () => {
    const orders = model("orders", "select 1 as id", {
      zeroDowntime: { enabled: true, immediateCleanup: true },
    });
    const summary = model(
      "summary",
      'select count(*) from "analytics"."orders"',
      {},
      { refs: ["orders"] },
    );
    const plan = buildPlan({
      project: project(orders, summary),
      requests: [{ model: "orders", reason: "definition changed" }],
      catalog: catalog({
        relations: [
          mv(1, "orders"),
          mv(2, "summary"),
          mv(3, "adhoc"),
          { id: 4, name: "to_kafka", schema: "analytics", type: "sink" },
        ],
        depends: [
          { objid: 2, refobjid: 1 },
          { objid: 3, refobjid: 1 },
          { objid: 4, refobjid: 1 },
        ],
      }),
      options,
      now,
    });
    expect(plan.models.map((entry) => [entry.model, entry.action, entry.reason])).toEqual([
      ["orders", "zero-downtime", "definition changed"],
      ["summary", "zero-downtime", "downstream of orders"],
    ]);
    expect(plan.models[0]?.readers).toEqual([
      { schema: "analytics", name: "adhoc", type: "materialized view" },
      { schema: "analytics", name: "to_kafka", type: "sink" },
    ]);
    expect(plan.models[0]?.steps.at(-1)).toMatchObject({ kind: "cleanup" });
    expect(planWarnings(plan).join("\n")).toContain(
      "sink analytics.to_kafka still reads the previous version",
    );
    expect(planWarnings(plan).join("\n")).toContain("REPLACE SINK");
    expect(plan.models[0]?.temp?.identifier).not.toBe(plan.models[1]?.temp?.identifier);
  });

  it("skips with a warning when zero_downtime is off, and does not rebuild downstream", () => {
    const orders = model("orders", "select 1", { zeroDowntime: { enabled: false } });
    const summary = model("summary", "select 2", {}, { refs: ["orders"] });
    const plan = buildPlan({
      project: project(orders, summary),
      requests: [{ model: "orders", reason: "definition changed" }],
      catalog: catalog({ relations: [mv(1, "orders"), mv(2, "summary")] }),
      options,
      now,
    });
    expect(plan.models.map((entry) => [entry.model, entry.action, entry.reason])).toEqual([
      ["orders", "skip", "zero_downtime not enabled"],
    ]);
    expect(plan.models[0]?.steps).toEqual([]);
    expect(planWarnings(plan)[0]).toContain("zero_downtime={'enabled': true}");
    expect(planWarnings(plan)[0]).toContain("full-refresh: true");
  });

  it("rebuilds with zero-downtime: all even when the model does not enable it", () => {
    const orders = model("orders", "select 1", { zeroDowntime: { enabled: false } });
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "selected" }],
      catalog: catalog({ relations: [mv(1, "orders")] }),
      options: { ...options, zeroDowntime: "all" },
      now,
    });
    expect(plan.models[0]?.action).toBe("zero-downtime");
  });

  it("refuses a full refresh when something outside the set depends on the MV", () => {
    const orders = model("orders", "select 1");
    const attempt = () =>
      buildPlan({
        project: project(orders),
        requests: [{ model: "orders", reason: "selected" }],
        catalog: catalog({
          relations: [mv(1, "orders"), mv(2, "dashboard", "bi")],
          depends: [{ objid: 2, refobjid: 1 }],
        }),
        options: { ...options, fullRefresh: true, rebuildDownstream: false },
        now,
      });
    expect(attempt).toThrow(PlanError);
    expect(attempt).toThrow(
      "Full refresh of analytics.orders refused before any DROP: bi.dashboard (materialized view) " +
        "read it and would block the drop (never CASCADE); they are not dbt models, so drop them by " +
        "hand first, or deploy without full-refresh: a zero-downtime rebuild leaves them reading the previous version.",
    );
  });

  it("names the dbt models to add when those are what read a full-refreshed MV", () => {
    const orders = model("orders", "select 1");
    const summary = model("summary", "select 2", {}, { refs: ["orders"] });
    expect(() =>
      buildPlan({
        project: project(orders, summary),
        requests: [{ model: "orders", reason: "selected" }],
        catalog: catalog({
          relations: [mv(1, "orders"), mv(2, "summary")],
          depends: [{ objid: 2, refobjid: 1 }],
        }),
        options: { ...options, fullRefresh: true, rebuildDownstream: false },
        now,
      }),
    ).toThrow(/add them to the selection \(models: orders, summary\)/);
  });

  it("full-refreshes a whole chain without CASCADE", () => {
    const orders = model("orders", "select 1");
    const summary = model("summary", "select 2", {}, { refs: ["orders"] });
    const plan = buildPlan({
      project: project(orders, summary),
      requests: [{ model: "orders", reason: "selected" }],
      catalog: catalog({
        relations: [mv(1, "orders"), mv(2, "summary")],
        depends: [{ objid: 2, refobjid: 1 }],
      }),
      options: { ...options, fullRefresh: true },
      now,
    });
    expect(plan.models.map((entry) => entry.action)).toEqual(["full-refresh", "full-refresh"]);
    const statements = planToJson(plan).models.flatMap((entry) => entry.statements);
    expect(statements).toContain('DROP MATERIALIZED VIEW IF EXISTS "analytics"."summary"');
    expect(statements.join("\n")).not.toMatch(/CASCADE/i);
  });

  it("refuses stacked statements and objects of another type, naming the files", () => {
    const stacked = model("stacked", "select 1; drop table users");
    const clash = model("clash", "select 1");
    let caught: unknown;
    try {
      buildPlan({
        project: project(stacked, clash),
        requests: [
          { model: "stacked", reason: "new model" },
          { model: "clash", reason: "new model" },
        ],
        catalog: catalog({
          relations: [{ id: 9, name: "clash", schema: "analytics", type: "table" }],
        }),
        options,
        now,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlanError);
    const issues = (caught as PlanError).issues;
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ file: "models/stacked.sql", line: 1 });
    expect(issues[0]?.message).toContain("must be exactly one SQL statement");
    expect(issues[1]).toMatchObject({ file: "models/clash.sql" });
    expect(issues[1]?.message).toContain("already exists as a table");
  });

  it("quotes hostile names everywhere", () => {
    const odd = model("we'ird; drop", "select 1", {
      alias: "Sales 'Q1' ünïcode",
      grants: { select: ["r x; drop"] },
    });
    const plan = buildPlan({
      project: project(odd),
      requests: [{ model: "we'ird; drop", reason: "new model" }],
      catalog: catalog({}),
      options: { ...options, backgroundDdl: false },
      now,
    });
    expect(planToJson(plan).models[0]?.statements).toEqual([
      `CREATE MATERIALIZED VIEW "analytics"."Sales 'Q1' ünïcode" AS select 1`,
      `GRANT SELECT ON MATERIALIZED VIEW "analytics"."Sales 'Q1' ünïcode" TO "r x; drop"`,
    ]);
  });

  it("fails a model alone when a name it needs holds a double quote", () => {
    const quoted = model("quoted", "select 1", { grants: { select: ['r"x'] } });
    const fine = model("fine", "select 2");
    const plan = buildPlan({
      project: project(quoted, fine),
      requests: [
        { model: "quoted", reason: "new model" },
        { model: "fine", reason: "new model" },
      ],
      catalog: catalog({}),
      options: { ...options, backgroundDdl: false },
      now,
    });
    expect(plan.models.map((entry) => entry.model)).toEqual(["fine"]);
    expect(plan.failed).toEqual([
      {
        model: "quoted",
        file: "models/quoted.sql",
        message: expect.stringMatching(/"r\\"x" cannot be used: .*double quote/),
      },
    ]);
  });

  it("creates a missing schema once, before the first model that needs it", () => {
    const a = model(
      "a",
      "select 1",
      { schema: "marts" },
      { relation: { schema: "analytics_marts", identifier: "a" } },
    );
    const b = model(
      "b",
      "select 2",
      { schema: "marts" },
      { relation: { schema: "analytics_marts", identifier: "b" } },
    );
    const plan = buildPlan({
      project: project(a, b),
      requests: [
        { model: "a", reason: "new model" },
        { model: "b", reason: "new model" },
      ],
      catalog: catalog({}),
      options: { ...options, backgroundDdl: false },
      now,
    });
    const statements = planToJson(plan).models.map((entry) => entry.statements);
    expect(statements[0]?.[0]).toBe('CREATE SCHEMA IF NOT EXISTS "analytics_marts"');
    expect(statements[1]?.[0]).toBe('CREATE MATERIALIZED VIEW "analytics_marts"."b" AS select 2');
  });

  it("refuses to replace an MV a background job is still creating", () => {
    expect(() =>
      buildPlan({
        project: project(model("orders", "select 1")),
        requests: [{ model: "orders", reason: "definition changed" }],
        catalog: catalog({
          relations: [mv(1, "orders")],
          creating: [
            { ddlId: 1, statement: "CREATE MATERIALIZED VIEW orders AS ...", progress: "42.5%" },
          ],
        }),
        options,
        now,
      }),
    ).toThrow("analytics.orders is still being created by a background job (42.5%)");
  });
});
