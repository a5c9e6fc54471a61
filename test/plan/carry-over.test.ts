import { describe, expect, it } from "vitest";
import { carryOver, parseAclItem, selectMode } from "../../src/plan/carry-over.js";
import { buildPlan, type PlanOptions } from "../../src/plan/build-plan.js";
import type { Evidence } from "../../src/plan/evidence.js";
import { makeTempName } from "../../src/plan/temp-name.js";
import { catalog, model, mv, project } from "./fixtures.js";

const temp = { schema: "analytics", identifier: "orders_tmp" };
const users = [
  { id: 1, name: "root", isSuper: true },
  { id: 2, name: "deployer", isSuper: false },
  { id: 3, name: "alice", isSuper: false },
  { id: 4, name: "bi_reader", isSuper: false },
  { id: 5, name: "ops", isSuper: false },
];
const live = (owner: number, acl: string[]) => ({ ...mv(10, "orders"), owner, acl });

describe("acl items", () => {
  it("reads RisingWave's grantee=modes/grantor form, grant option included", () => {
    expect(parseAclItem("bi_reader=r/root")).toEqual({
      grantee: "bi_reader",
      modes: "r",
      grantor: "root",
    });
    expect(selectMode(parseAclItem("ops=r*/alice")!)).toBe("select with grant option");
    expect(selectMode(parseAclItem("root=arwd/root")!)).toBe("select");
    expect(parseAclItem("garbage")).toBeUndefined();
  });
});

describe("carryOver", () => {
  const orders = model("orders", "select 1 as id, 2 as total", {
    grants: { select: ["bi_reader"] },
  });

  it("grants of the live MV beyond the config; superusers, the owner and the deploy user are left out", () => {
    const carried = carryOver({
      model: orders,
      existing: live(2, [
        "root=arwd/root",
        "bi_reader=r/deployer",
        "ops=r*/deployer",
        "alice=r/deployer",
      ]),
      temp,
      catalog: catalog({ users, currentUser: "deployer" }),
      newColumns: ["id", "total"],
      described: { columns: ["id", "total"], columnComments: {} },
    });
    expect(carried.steps.flatMap((step) => ("sql" in step ? [step.sql] : []))).toEqual([
      'GRANT SELECT ON MATERIALIZED VIEW "analytics"."orders_tmp" TO "ops" WITH GRANT OPTION',
      'GRANT SELECT ON MATERIALIZED VIEW "analytics"."orders_tmp" TO "alice"',
    ]);
    expect(carried.ownerStep).toBeUndefined();
  });

  it("a superuser deployer hands the owner on; comments the model does not manage and hand-made indexes come along", () => {
    const carried = carryOver({
      model: model(
        "orders",
        "select 1 as id, 2 as total",
        { persistDocs: { relation: false, columns: true } },
        { columns: [{ name: "id", description: "managed" }] },
      ),
      existing: live(3, []),
      temp,
      catalog: catalog({
        users,
        currentUser: "root",
        relations: [
          live(3, []),
          { id: 11, name: "orders_total_idx", schema: "analytics", type: "index" },
        ],
        indexes: [
          {
            id: 11,
            name: "orders_total_idx",
            schema: "analytics",
            onId: 10,
            definition: "CREATE INDEX orders_total_idx ON analytics.orders(total DESC) INCLUDE(id)",
          },
          { id: 12, name: "__dbt_index_orders_old", schema: "analytics", onId: 10 },
        ],
      }),
      newColumns: ["id", "total"],
      described: {
        columns: ["id", "total", "gone"],
        comment: "All orders",
        columnComments: { id: "old text", total: "the total", gone: "dropped column" },
      },
    });
    expect(carried.steps.flatMap((step) => ("sql" in step ? [step.sql] : []))).toEqual([
      `COMMENT ON TABLE "analytics"."orders_tmp" IS 'All orders'`,
      `COMMENT ON COLUMN "analytics"."orders_tmp"."total" IS 'the total'`,
      'CREATE INDEX "__dbt_carried_index_orders_tmp_1" ON "analytics"."orders_tmp" (total DESC) INCLUDE(id)',
    ]);
    expect((carried.ownerStep as { sql: string } | undefined)?.sql).toBe(
      'ALTER MATERIALIZED VIEW "analytics"."orders_tmp" OWNER TO "alice"',
    );
    expect(carried.indexes.map((index) => [index.live.name, index.staged])).toEqual([
      ["orders_total_idx", "__dbt_carried_index_orders_tmp_1"],
    ]);
    expect(carried.warnings).toEqual([
      "the comment on column gone of analytics.orders is not carried over: the new definition has no such column.",
    ]);
    expect(carried.keepPrevious).toBe(false);
  });

  it("a hand-made index on a column the new SQL dropped cannot come along: the previous version is kept", () => {
    const carried = carryOver({
      model: orders,
      existing: live(2, []),
      temp,
      catalog: catalog({
        users,
        currentUser: "deployer",
        indexes: [
          {
            id: 11,
            name: "by_region",
            schema: "analytics",
            onId: 10,
            definition: "CREATE INDEX by_region ON analytics.orders (region)",
          },
        ],
      }),
      newColumns: ["id", "total"],
      described: { columns: ["id", "total", "region"], columnComments: {} },
    });
    expect(carried.steps).toEqual([]);
    expect(carried.keepPrevious).toBe(true);
    expect(carried.warnings[0]).toMatch(
      /by_region on analytics\.orders \(region\) cannot be rebuilt/,
    );
  });
});

describe("buildPlan with carry-over", () => {
  const options: PlanOptions = {
    dryRun: false,
    fullRefresh: false,
    zeroDowntime: "model-config",
    immediateCleanup: true,
    rebuildDownstream: true,
    backgroundDdl: false,
  };
  const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));

  it("puts carried items before the swap, hands carried index names over after it, and reports them", () => {
    const orders = model("orders", "select 1 as id, 2 as total");
    const snapshot = catalog({
      users,
      currentUser: "deployer",
      relations: [live(2, ["bi_reader=r/deployer"])],
      indexes: [
        {
          id: 11,
          name: "orders_total_idx",
          schema: "analytics",
          onId: 10,
          definition: "CREATE INDEX orders_total_idx ON analytics.orders (total)",
        },
      ],
    });
    const evidence: Evidence = {
      definitions: new Map([["orders", { columns: ["id", "total"] }]]),
      described: new Map([[10, { columns: ["id", "total"], columnComments: {} }]]),
    };
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "definition changed" }],
      catalog: snapshot,
      options,
      now,
      evidence,
    });
    const entry = plan.models[0]!;
    const t = makeTempName("orders", now);
    expect(entry.steps.flatMap((step) => ("sql" in step ? [step.sql] : []))).toEqual([
      `CREATE MATERIALIZED VIEW "analytics"."${t}" AS select 1 as id, 2 as total`,
      `GRANT SELECT ON MATERIALIZED VIEW "analytics"."${t}" TO "bi_reader"`,
      `CREATE INDEX "__dbt_carried_index_${t}_1" ON "analytics"."${t}" (total)`,
      `ALTER MATERIALIZED VIEW "analytics"."orders" SWAP WITH "analytics"."${t}"`,
      `ALTER INDEX "analytics"."orders_total_idx" RENAME TO "__dbt_retired_index_${t}_1"`,
      `ALTER INDEX "analytics"."__dbt_carried_index_${t}_1" RENAME TO "orders_total_idx"`,
      `DROP MATERIALIZED VIEW IF EXISTS "analytics"."${t}"`,
    ]);
    expect(entry.carriedOver).toEqual([
      { kind: "grant", detail: "SELECT to bi_reader" },
      { kind: "index", detail: "orders_total_idx (total)" },
    ]);
    expect(entry.mayDrop).toEqual([
      {
        relation: { schema: "analytics", identifier: t },
        when: "the new version this run built, if the deploy fails before the swap",
      },
      {
        relation: { schema: "analytics", identifier: t },
        id: 10,
        when: "the previous version, after the swap, if nothing reads it (immediate cleanup)",
      },
    ]);
  });

  it("never picks a temporary name that already exists, as a relation or in one of our index names", () => {
    const orders = model("orders", "select 1 as id");
    const taken = makeTempName("orders", now, 0);
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "definition changed" }],
      catalog: catalog({
        relations: [mv(10, "orders"), mv(11, taken)],
        indexes: [
          {
            id: 12,
            name: `__dbt_retired_index_${makeTempName("orders", now, 1)}_1`,
            schema: "analytics",
            onId: 11,
          },
        ],
      }),
      options,
      now,
    });
    expect(plan.models[0]?.temp?.identifier).toBe(makeTempName("orders", now, 2));
  });
});
