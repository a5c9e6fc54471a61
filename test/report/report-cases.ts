import type { ModelChange } from "../../src/changes/types.js";
import type { DeployOutcome, ModelOutcome } from "../../src/deploy/outcome.js";
import type { DeployResult } from "../../src/deploy/run-deploy.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import type { Plan } from "../../src/plan/types.js";
import type { ModelNode } from "../../src/project/types.js";
import type { ReportContext } from "../../src/report/context.js";
import type { CatalogRelation } from "../../src/risingwave/catalog.js";
import { catalog, model, mv, project } from "../plan/fixtures.js";

/**
 * The report's main cases built in memory from the real planner: a dry run that needs a person
 * (a sink and a hand-made MV read a changed model, a changed model is skipped, one is new), its
 * deploy, a partial deploy, and a 200-model deploy.
 */
export const context: ReportContext = {
  projectDir: ".",
  projectName: "shop",
  targetSchema: "analytics",
  target: {
    environment: "production",
    database: { host: "rw.internal", port: "4566", name: "dev" },
  },
  commitSha: "0123456789abcdef0123456789abcdef01234567",
  commitUrl: "https://github.com/acme/analytics/commit/0123456789abcdef0123456789abcdef01234567",
  runUrl: "https://github.com/acme/analytics/actions/runs/1",
};

const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));

const BASE_STG = "select id, customer_id, amount\nfrom orders\nwhere status = 'paid'\n";
const HEAD_STG = "select id, customer_id, amount, currency\nfrom orders\nwhere status = 'paid'\n";

function attentionProject(): ModelNode[] {
  const stg = model("stg_orders", HEAD_STG);
  const totals = model(
    "customer_totals",
    "select customer_id, sum(amount) as total\nfrom analytics.stg_orders\ngroup by 1\n",
    { indexes: [{ columns: ["customer_id"] }] },
    { refs: ["stg_orders"] },
  );
  const big = model(
    "big_spenders",
    "select * from analytics.customer_totals where total > 100\n",
    {},
    { refs: ["customer_totals"] },
  );
  const legacy = model("legacy_counts", "select count(*) as n, 'x' as tag from orders\n", {
    zeroDowntime: { enabled: false },
  });
  const fresh = model(
    "daily_revenue",
    "select date_trunc('day', ts) as day, sum(amount)\nfrom orders\ngroup by 1\n",
  );
  return [stg, totals, big, legacy, fresh];
}

const relations: CatalogRelation[] = [
  mv(1, "stg_orders"),
  mv(2, "customer_totals"),
  mv(3, "big_spenders"),
  mv(4, "legacy_counts"),
  { id: 5, schema: "analytics", name: "orders_export", type: "sink" },
  mv(6, "adhoc_report"),
];

const changes: ModelChange[] = [
  { model: "stg_orders", kind: "modified", reasons: ["SQL changed"], baseSql: BASE_STG },
  {
    model: "legacy_counts",
    kind: "modified",
    reasons: ["SQL changed"],
    baseSql: "select count(*) as n from orders\n",
  },
  { model: "daily_revenue", kind: "added", reasons: ["new model"] },
];

function planFor(
  models: ModelNode[],
  requests: ModelChange[],
  dryRun: boolean,
  rows = relations,
  depends = [
    { objid: 2, refobjid: 1 },
    { objid: 3, refobjid: 2 },
    { objid: 5, refobjid: 2 },
    { objid: 6, refobjid: 2 },
  ],
): Plan {
  return buildPlan({
    project: project(...models),
    requests: requests.map((change) => ({
      model: change.model,
      reason: change.kind === "added" ? "new model" : change.reasons.join("; "),
    })),
    catalog: catalog({ relations: rows, depends }),
    options: {
      dryRun,
      fullRefresh: false,
      zeroDowntime: "model-config",
      immediateCleanup: false,
      rebuildDownstream: true,
      backgroundDdl: true,
    },
    now,
  });
}

function result(plan: Plan, changed: ModelChange[], extra: Partial<DeployResult>): DeployResult {
  const head = project(...attentionProject());
  return {
    head,
    requests: {
      requests: [],
      changeSet: { changed, deleted: [], renamed: [], warnings: [], failed: [] },
      warnings: [],
      failures: [],
    },
    plan,
    online: true,
    blocking: [],
    ...extra,
  };
}

export function dryRun(): DeployResult {
  const plan = planFor(attentionProject(), changes, true);
  const checked = plan.models
    .filter((entry) => entry.action !== "skip")
    .map((entry) => entry.model);
  return result(plan, changes, { validation: { checked, problems: [], unchecked: [], notes: [] } });
}

function outcomeOf(
  plan: Plan,
  statuses: Record<string, ModelOutcome["status"]>,
  failure?: string,
): DeployOutcome {
  const models = plan.models.map((entry): ModelOutcome => {
    const status = entry.action === "skip" ? "skipped" : (statuses[entry.model] ?? "applied");
    return {
      model: entry.model,
      file: entry.file,
      action: entry.action,
      status,
      durationMs: status === "applied" ? 1_234 : undefined,
      ...(status === "failed"
        ? {
            error: failure ?? "create failed",
            note: "the original MV is untouched; the temporary MV was removed",
          }
        : {}),
    };
  });
  const applied = (name: string) => models.find((m) => m.model === name)?.status === "applied";
  const swappedEntries = plan.models.filter((entry) => entry.temp && applied(entry.model));
  const tempOf = (name: string) => plan.models.find((entry) => entry.model === name)?.temp;
  return {
    models,
    keptFailedTemps: [],
    swapped: swappedEntries.map((entry) => entry.target),
    created: plan.models
      .filter((entry) => entry.action === "create" && applied(entry.model))
      .map((e) => e.target),
    preservedTemps: swappedEntries.reverse().map((entry) => ({
      relation: entry.temp!,
      readers:
        entry.model === "customer_totals"
          ? [
              ...(applied("big_spenders")
                ? [
                    {
                      schema: "analytics",
                      name: tempOf("big_spenders")!.identifier,
                      type: "materialized view",
                    },
                  ]
                : [{ schema: "analytics", name: "big_spenders", type: "materialized view" }]),
              { schema: "analytics", name: "orders_export", type: "sink" },
              { schema: "analytics", name: "adhoc_report", type: "materialized view" },
            ]
          : entry.model === "stg_orders" && !applied("customer_totals")
            ? [{ schema: "analytics", name: "customer_totals", type: "materialized view" }]
            : entry.model === "stg_orders"
              ? [
                  {
                    schema: "analytics",
                    name: tempOf("customer_totals")!.identifier,
                    type: "materialized view",
                  },
                ]
              : [],
    })),
    droppedTemps: [],
    failed: models.some((m) => m.status === "failed"),
  };
}

export function deploy(): DeployResult {
  const plan = planFor(attentionProject(), changes, false);
  return result(plan, changes, { outcome: outcomeOf(plan, {}) });
}

/** stg_orders swapped, customer_totals failed, big_spenders (and what follows) not attempted. */
export function partialDeploy(): DeployResult {
  const plan = planFor(attentionProject(), changes, false);
  return result(plan, changes, {
    outcome: outcomeOf(
      plan,
      { customer_totals: "failed", big_spenders: "not-attempted", daily_revenue: "not-attempted" },
      'create failed: column "currency" <unknown> & odd',
    ),
  });
}

/** `count` changed MVs, each indexed, with `sqlLines` lines of SQL and a foreign reader each. */
export function largeDeploy(count = 200, sqlLines = 12, dryRunToo = false): DeployResult {
  const models = Array.from({ length: count }, (_, i) =>
    model(
      `mart_model_${String(i).padStart(3, "0")}`,
      Array.from(
        { length: sqlLines },
        (__, line) => `  sum(amount_${line}) as total_${line}_${i},`,
      ).join("\n") + "\n  count(*) as n\nfrom orders\n",
      { indexes: [{ columns: ["n"] }] },
    ),
  );
  const rows = models.flatMap((node, i) => [
    mv(1_000 + i, node.name),
    mv(5_000 + i, `report_${i}`),
  ]);
  const depends = models.map((_, i) => ({ objid: 5_000 + i, refobjid: 1_000 + i }));
  const changed: ModelChange[] = models.map((node) => ({
    model: node.name,
    kind: "modified",
    reasons: ["SQL changed"],
    baseSql: node.sql.replace(/count\(\*\)/, "count(1)"),
  }));
  const plan = planFor(models, changed, dryRunToo, rows, depends);
  const outcome: DeployOutcome | undefined = dryRunToo
    ? undefined
    : {
        keptFailedTemps: [],
        models: plan.models.map((entry) => ({
          model: entry.model,
          file: entry.file,
          action: entry.action,
          status: "applied",
          durationMs: 2_000,
        })),
        swapped: plan.models.map((entry) => entry.target),
        created: [],
        preservedTemps: plan.models.map((entry, i) => ({
          relation: entry.temp!,
          readers: [{ schema: "analytics", name: `report_${i}`, type: "materialized view" }],
        })),
        droppedTemps: [],
        failed: false,
      };
  return {
    head: project(...models),
    requests: {
      requests: [],
      changeSet: { changed, deleted: [], renamed: [], warnings: [], failed: [] },
      warnings: [],
      failures: [],
    },
    plan,
    online: true,
    blocking: [],
    ...(dryRunToo
      ? {
          validation: {
            checked: plan.models.map((e) => e.model),
            problems: [],
            unchecked: [],
            notes: [],
          },
        }
      : { outcome }),
  };
}

export const FAILED_PLAN_PROBLEMS = [
  {
    message:
      "models/marts/big_spenders.sql:1: var('threshold') is not defined; give var('threshold', <default>) or set it in vars",
    file: "models/marts/big_spenders.sql",
    line: 1,
  },
  {
    message: "ref('customer_total') names no model; did you mean customer_totals?",
    file: "models/marts/x.sql",
  },
];

/** One staging change that rebuilds `downstream` MVs reading it: the plan a reviewer must not miss. */
export function fanOut(downstream: number): DeployResult {
  const stg = model("stg_orders", HEAD_STG);
  const marts = Array.from({ length: downstream }, (_, i) =>
    model(
      `mart_${i}`,
      `select count(*) as n_${i} from analytics.stg_orders\n`,
      {},
      { refs: ["stg_orders"] },
    ),
  );
  const rows = [mv(1, "stg_orders"), ...marts.map((node, i) => mv(100 + i, node.name))];
  const depends = marts.map((_, i) => ({ objid: 100 + i, refobjid: 1 }));
  const changed: ModelChange[] = [changes[0]!];
  const plan = planFor([stg, ...marts], changed, true, rows, depends);
  return {
    head: project(stg, ...marts),
    requests: {
      requests: [],
      changeSet: { changed, deleted: [], renamed: [], warnings: [], failed: [] },
      warnings: [],
      failures: [],
    },
    plan,
    online: true,
    blocking: [],
    validation: {
      checked: plan.models.map((entry) => entry.model),
      problems: [],
      unchecked: [],
      notes: [],
    },
  };
}
