import { describe, expect, it } from "vitest";
import { buildPlan, type PlanOptions } from "../../src/plan/build-plan.js";
import { planToJson } from "../../src/plan/plan-json.js";
import { backfillOrderReading } from "../../src/plan/staged-upstreams.js";
import { mergeConfig, validateConfig } from "../../src/project/resolve/config.js";
import { parseBackfillEdge } from "../../src/project/resolve/backfill-order.js";
import { ProjectError } from "../../src/project/errors.js";
import { parseRisingWaveVersion } from "../../src/risingwave/version.js";
import { catalog, model, mv, project } from "./fixtures.js";

const now = new Date(Date.UTC(2026, 10, 21, 10, 11, 12, 123));
const options: PlanOptions = {
  dryRun: false,
  fullRefresh: false,
  zeroDowntime: "model-config",
  immediateCleanup: false,
  rebuildDownstream: true,
  backgroundDdl: false,
};

const configOf = (values: Record<string, unknown>) =>
  validateConfig(mergeConfig([{ file: "models/m.sql", values }]), "models/m.sql");

const configError = (values: Record<string, unknown>) => {
  try {
    configOf(values);
  } catch (error) {
    if (error instanceof ProjectError) return error.all().map((problem) => problem.description);
    throw error;
  }
  return [];
};

describe("RisingWave settings of a model", () => {
  it("accepts plain values of each setting's kind and renders them as SQL values", () => {
    const config = configOf({
      materialized: "materialized_view",
      streaming_parallelism: 4,
      streaming_parallelism_for_backfill: "ADAPTIVE",
      backfill_rate_limit: -1,
      enable_serverless_backfill: true,
      streaming_cache_refill_policy: "both",
      background_ddl: false,
      backfill_order: ['analytics.dims -> "Analytics"."Facts"'],
    });
    expect(config.sessionSettings).toEqual([
      { name: "streaming_parallelism", value: "4" },
      { name: "streaming_parallelism_for_backfill", value: "'adaptive'" },
      { name: "streaming_cache_refill_policy", value: "'both'" },
      { name: "enable_serverless_backfill", value: "true" },
      { name: "backfill_rate_limit", value: "-1" },
    ]);
    expect(config.backgroundDdl).toBe(false);
    expect(config.backfillOrder).toEqual([
      { from: ["analytics", "dims"], to: ["Analytics", "Facts"] },
    ]);
    expect(config.unknownKeys).toEqual([]);
  });

  it("refuses any value that is not a plain number, boolean or known keyword", () => {
    for (const [key, value] of [
      ["backfill_rate_limit", "1; DROP TABLE t"],
      ["backfill_rate_limit", 1.5],
      ["backfill_rate_limit", -2],
      ["streaming_parallelism", "adaptive'; DROP TABLE t; --"],
      ["streaming_max_parallelism", 0],
      ["enable_index_selection", "true"],
      ["streaming_cache_refill_policy", "all"],
    ] as const) {
      expect(configError({ [key]: value }), `${key}=${value}`).toEqual([
        expect.stringContaining(`config ${key} has an invalid value`),
      ]);
    }
  });

  it("refuses backfill_order entries that are not an edge between two names", () => {
    for (const entry of [
      "a -> b); DROP TABLE t; --",
      "a",
      "a -> b -> c",
      "a.b.c.d -> e",
      "'a' -> b",
      'a -> "b',
    ]) {
      expect(parseBackfillEdge(entry), entry).toBeUndefined();
    }
    expect(parseBackfillEdge(' s . "A b" ->t')).toEqual({ from: ["s", "A b"], to: ["t"] });
    expect(parseBackfillEdge('s."A""b" -> t')).toBeUndefined();
    expect(configError({ backfill_order: [] })).toHaveLength(1);
    expect(configError({ backfill_order: ["a -> b", "a; b"] })).toEqual([
      expect.stringContaining('config backfill_order entry 2 ("a; b")'),
    ]);
  });

  it("names unknown keys, but not dbt's own or dbt-risingwave's", () => {
    const config = configOf({
      materialized: "materialized_view",
      tags: ["x"],
      meta: {},
      docs: { show: true },
      contract: { enforced: false },
      on_configuration_change: "apply",
      quoting: {},
      full_refresh: false,
      connector: "kafka",
      schema_authorization: "owner_role",
      streaming_paralelism: 3,
      zero_downtim: true,
    });
    expect(config.unknownKeys).toEqual(["streaming_paralelism", "zero_downtim"]);
    expect(config.notApplied).toEqual(["schema_authorization"]);
    expect(config.fullRefresh).toBe(false);
  });

  it("sets the settings before the temp's CREATE and resets them after its indexes, before the swap", () => {
    const orders = model("orders", "select 2 as id", {
      indexes: [{ columns: ["id"], include: ["name"], distributedBy: ["id"] }],
      sessionSettings: [
        { name: "streaming_parallelism", value: "2" },
        { name: "backfill_rate_limit", value: "100" },
      ],
      backfillOrder: [{ from: ["analytics", "dims"], to: ["analytics", "facts"] }],
    });
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "SQL changed" }],
      catalog: catalog({ relations: [mv(1, "orders")] }),
      options,
      now,
    });
    const temp = '"analytics"."orders_dbt_zero_down_tmp_20261121T101112_123000Z"';
    expect(planToJson(plan).models[0]?.statements.slice(0, 6)).toEqual([
      "SET streaming_parallelism = 2",
      "SET backfill_rate_limit = 100",
      `CREATE MATERIALIZED VIEW ${temp} WITH (backfill_order = FIXED("analytics"."dims" -> "analytics"."facts")) AS select 2 as id`,
      `CREATE INDEX "__dbt_index_orders_dbt_zero_down_tmp_20261121T101112_123000Z_id" ON ${temp} ("id") INCLUDE ("name") DISTRIBUTED BY ("id")`,
      "SET streaming_parallelism = DEFAULT",
      "SET backfill_rate_limit = DEFAULT",
    ]);
  });

  it("refuses a setting or backfill_order the server's version does not have", () => {
    const orders = model("orders", "select 1 as id", {
      sessionSettings: [
        { name: "streaming_parallelism", value: "2" },
        { name: "enable_serverless_backfill", value: "true" },
      ],
      backfillOrder: [{ from: ["a"], to: ["b"] }],
    });
    const plan = (version: string) =>
      buildPlan({
        project: project(orders),
        requests: [{ model: "orders", reason: "new model" }],
        catalog: catalog({}),
        options,
        now,
        serverVersion: parseRisingWaveVersion(`PostgreSQL 13.14.0-RisingWave-${version} (x)`),
      }).models[0]?.problems;
    expect(plan("2.4.1")).toEqual([
      "config enable_serverless_backfill needs RisingWave 2.8 or newer; this server is 2.4.1. Remove it from the model's config or upgrade.",
      "config backfill_order needs RisingWave 2.5 or newer; this server is 2.4.1. Remove it from the model's config or upgrade.",
    ]);
    expect(plan("2.8.0")).toEqual([]);
    const offline = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "new model" }],
      catalog: catalog({}),
      options,
      now,
    }).models[0];
    expect(offline?.problems).toEqual([]);
    expect(offline?.unchecked).toContainEqual(
      expect.stringContaining("has the model's RisingWave settings and backfill_order"),
    );
  });

  it("names an upstream's temporary MV in backfill_order when the model is built on it", () => {
    const orders = model("orders", "select 2 as id");
    const joined = model(
      "joined",
      'select * from "analytics"."orders" join "analytics"."events" using (id)',
      {
        backfillOrder: [
          { from: ["analytics", "events"], to: ["analytics", "orders"] },
          { from: ["dev", "analytics", "orders"], to: ["analytics", "dims"] },
        ],
      },
      {
        refs: ["orders"],
        sqlReading: (relations) =>
          `select * from "analytics"."${relations.get("orders")?.identifier}" join "analytics"."events" using (id)`,
      },
    );
    const plan = buildPlan({
      project: project(orders, joined),
      requests: [{ model: "orders", reason: "SQL changed" }],
      catalog: catalog({ relations: [mv(1, "orders"), mv(2, "joined")] }),
      options,
      now,
    });
    const ordersTemp = '"analytics"."orders_dbt_zero_down_tmp_20261121T101112_123000Z"';
    const create = planToJson(plan)
      .models.find((entry) => entry.model === "joined")
      ?.statements.find((sql) => sql.startsWith("CREATE MATERIALIZED VIEW"));
    expect(create).toContain(
      `WITH (backfill_order = FIXED("analytics"."events" -> ${ordersTemp}, "dev".${ordersTemp} -> "analytics"."dims")) AS select * from ${ordersTemp}`,
    );
    // Built on production's orders, it names production's orders.
    const alone = buildPlan({
      project: project(orders, joined),
      requests: [{ model: "joined", reason: "SQL changed" }],
      catalog: catalog({ relations: [mv(1, "orders"), mv(2, "joined")] }),
      options,
      now,
    });
    expect(planToJson(alone).models[0]?.statements[0]).toContain(
      'FIXED("analytics"."events" -> "analytics"."orders", "dev"."analytics"."orders" -> "analytics"."dims")',
    );
  });
});

describe("backfillOrderReading", () => {
  const staged = [
    {
      live: { schema: "public", identifier: "orders" },
      temp: { schema: "public", identifier: "orders_tmp" },
    },
    {
      live: { schema: "Mart", identifier: "Totals" },
      temp: { schema: "Mart", identifier: "Totals_tmp" },
    },
  ];

  it("renames only names of staged upstreams, a one-part name as public's", () => {
    expect(
      backfillOrderReading(
        [
          { from: ["orders"], to: ["events"] },
          { from: ["Mart", "Totals"], to: ["mart", "totals"] },
          { from: ["other", "orders"], to: ["db", "public", "orders"] },
        ],
        staged,
      ),
    ).toEqual([
      { from: ["public", "orders_tmp"], to: ["events"] },
      { from: ["Mart", "Totals_tmp"], to: ["mart", "totals"] },
      { from: ["other", "orders"], to: ["db", "public", "orders_tmp"] },
    ]);
  });
});

describe("config that reaches nothing", () => {
  it("is a warning of the plan, never dropped in silence", () => {
    const orders = model("orders", "select 1 as id", {
      indexes: [{ columns: ["id"], unique: true, type: "hash" }],
      unknownKeys: ["streaming_paralelism"],
      notApplied: ["schema_authorization"],
    });
    const plan = buildPlan({
      project: project(orders),
      requests: [{ model: "orders", reason: "new model" }],
      catalog: catalog({}),
      options,
      now,
    });
    expect(plan.models[0]?.warnings).toEqual([
      "orders: config streaming_paralelism is not a dbt or dbt-risingwave setting and had no effect (a typo?).",
      "orders: indexes unique and type have no effect on RisingWave; the index is created without them.",
      "orders: config schema_authorization is applied by dbt-risingwave but not by this action.",
    ]);
  });
});

describe("full_refresh: false", () => {
  it("keeps the model out of a full refresh: it gets what it would get without one", () => {
    const kept = model("kept", "select 1 as id", { fullRefresh: false });
    const plan = buildPlan({
      project: project(kept),
      requests: [{ model: "kept", reason: "SQL changed" }],
      catalog: catalog({ relations: [mv(1, "kept")] }),
      options: { ...options, fullRefresh: true },
      now,
    });
    const entry = plan.models[0];
    expect(entry?.action).toBe("zero-downtime");
    expect(entry?.reason).toBe(
      "SQL changed; full_refresh: false in its config, so the full-refresh input does not drop it",
    );
    expect(entry?.steps.some((step) => step.kind === "drop-for-refresh")).toBe(false);
  });
});

describe("metadata-only changes, in place", () => {
  const live = { ...mv(1, "orders"), owner: 1, acl: ["old_reader=r/admin", "hand_reader=r/admin"] };
  const indexes = [
    {
      id: 2,
      name: "__dbt_index_orders_id",
      schema: "analytics",
      onId: 1,
      definition: 'CREATE INDEX "__dbt_index_orders_id" ON "analytics"."orders"("id")',
    },
    {
      id: 3,
      name: "__dbt_index_orders_region",
      schema: "analytics",
      onId: 1,
      definition: "CREATE INDEX __dbt_index_orders_region ON analytics.orders (region)",
    },
    {
      id: 4,
      name: "hand_made",
      schema: "analytics",
      onId: 1,
      definition: "CREATE INDEX hand_made ON analytics.orders (region)",
    },
    {
      id: 5,
      name: "orders_total_idx",
      schema: "analytics",
      onId: 1,
      definition: "CREATE INDEX orders_total_idx ON analytics.orders (total) INCLUDE (id)",
    },
  ];
  const previous = model("orders", "select 1 as id", {
    zeroDowntime: { enabled: false },
    indexes: [
      { columns: ["id"] },
      { columns: ["total"], include: ["id"], name: "orders_total_idx" },
    ],
    grants: { select: ["old_reader"] },
  });
  const planWith = (config: Parameters<typeof model>[2]) =>
    buildPlan({
      project: project(model("orders", "select 1 as id", config)),
      requests: [
        { model: "orders", reason: "config indexes changed", metadataOnly: true, previous },
      ],
      catalog: catalog({ relations: [live], indexes }),
      options,
      now,
    }).models[0];

  it("drops and renames only indexes dbt manages, revokes only grants dbt made, whatever zero_downtime says", () => {
    const entry = planWith({
      zeroDowntime: { enabled: true },
      indexes: [
        { columns: ["id"], include: ["region"] },
        { columns: ["total"], include: ["id"] },
      ],
      grants: { select: ["new_reader"] },
      sessionSettings: [{ name: "streaming_parallelism_for_index", value: "2" }],
    });
    expect(entry?.action).toBe("in-place");
    expect(entry?.temp).toBeUndefined();
    expect(
      entry &&
        planToJson({ mode: "deploy", dryRun: false, models: [entry], failed: [] }).models[0]
          ?.statements,
    ).toEqual([
      "SET streaming_parallelism_for_index = 2",
      'CREATE INDEX "__dbt_replacing_index_orders_1" ON "analytics"."orders" ("id") INCLUDE ("region")',
      'DROP INDEX "analytics"."__dbt_index_orders_id"',
      'DROP INDEX "analytics"."__dbt_index_orders_region"',
      'ALTER INDEX "analytics"."__dbt_replacing_index_orders_1" RENAME TO "__dbt_index_orders_id"',
      'ALTER INDEX "analytics"."orders_total_idx" RENAME TO "__dbt_index_orders_total"',
      "SET streaming_parallelism_for_index = DEFAULT",
      'GRANT SELECT ON MATERIALIZED VIEW "analytics"."orders" TO "new_reader"',
      'REVOKE SELECT ON MATERIALIZED VIEW "analytics"."orders" FROM "old_reader"',
    ]);
  });

  it("rebuilds a metadata-only model anyway when an upstream model is rebuilt", () => {
    const upstream = model("base_orders", "select 2 as id");
    const orders = model("orders", "select id from base_orders", { grants: { select: ["x"] } });
    orders.refs = ["base_orders"];
    const plan = buildPlan({
      project: project(upstream, orders),
      requests: [
        { model: "base_orders", reason: "SQL changed" },
        { model: "orders", reason: "config grants changed", metadataOnly: true, previous },
      ],
      catalog: catalog({ relations: [mv(1, "orders"), mv(2, "base_orders")] }),
      options,
      now,
    });
    expect(plan.models.map((entry) => [entry.model, entry.action, entry.reason])).toEqual([
      ["base_orders", "zero-downtime", "SQL changed"],
      ["orders", "zero-downtime", "config grants changed; downstream of base_orders"],
    ]);
  });

  it("revokes nothing when the config grants nothing (dbt-core: an empty grants config is a no-op)", () => {
    const entry = planWith({
      indexes: [
        { columns: ["id"] },
        { columns: ["total"], include: ["id"], name: "orders_total_idx" },
      ],
      grants: {},
    });
    expect(
      entry &&
        planToJson({ mode: "deploy", dryRun: false, models: [entry], failed: [] }).models[0]
          ?.statements,
    ).toEqual(['DROP INDEX "analytics"."__dbt_index_orders_region"']);
  });

  it("leaves index changes out under on_configuration_change 'continue', refuses them under 'fail'", () => {
    const config = {
      indexes: [{ columns: ["id"], include: ["region"] }],
      grants: { select: ["new_reader"] },
    };
    const statements = (entry: ReturnType<typeof planWith>) =>
      entry &&
      planToJson({ mode: "deploy", dryRun: false, models: [entry], failed: [] }).models[0]
        ?.statements;
    const applied = planWith(config);
    expect(statements(applied)).toContain(
      'CREATE INDEX "__dbt_replacing_index_orders_1" ON "analytics"."orders" ("id") INCLUDE ("region")',
    );
    expect(applied?.problems).toEqual([]);

    const continued = planWith({ ...config, onConfigurationChange: "continue" });
    expect(statements(continued)).toEqual([
      'GRANT SELECT ON MATERIALIZED VIEW "analytics"."orders" TO "new_reader"',
      'REVOKE SELECT ON MATERIALIZED VIEW "analytics"."orders" FROM "old_reader"',
    ]);
    expect(continued?.warnings).toContainEqual(
      expect.stringContaining("on_configuration_change is 'continue': they are left as they are"),
    );
    expect(continued?.problems).toEqual([]);

    const failed = planWith({ ...config, onConfigurationChange: "fail" });
    expect(failed?.problems).toEqual([
      expect.stringContaining("on_configuration_change is 'fail': refused before any DDL"),
    ]);
    expect(statements(failed)?.some((sql) => sql.includes("INDEX"))).toBe(false);

    // Nothing to change: nothing to refuse.
    const unchanged = planWith({
      indexes: [
        { columns: ["id"] },
        { columns: ["total"], include: ["id"], name: "orders_total_idx" },
        { columns: ["region"] },
      ],
      onConfigurationChange: "fail",
    });
    expect(unchanged?.problems).toEqual([]);
  });

  it("reads on_configuration_change as dbt validates it", () => {
    expect(configOf({ on_configuration_change: "continue" }).onConfigurationChange).toBe(
      "continue",
    );
    expect(configOf({ on_configuration_change: "apply" }).onConfigurationChange).toBeUndefined();
    expect(configError({ on_configuration_change: "skip" })).toEqual([
      expect.stringContaining("config on_configuration_change has an invalid value"),
    ]);
  });
});
