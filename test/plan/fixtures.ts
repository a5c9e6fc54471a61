import type { PlanOptions } from "../../src/plan/build-plan.js";
import type { DbtProject, ModelConfig, ModelNode } from "../../src/project/types.js";
import { CatalogSnapshot, type CatalogRows } from "../../src/risingwave/catalog.js";

/** Project and catalog values built in memory: the planner is pure and needs no I/O to test. */
export function model(
  name: string,
  sql: string,
  config: Partial<ModelConfig> = {},
  extra: Partial<ModelNode> = {},
): ModelNode {
  return {
    name,
    packageName: "shop",
    file: `models/${name}.sql`,
    rawSql: sql,
    sql,
    sqlReading: () => sql,
    relation: { schema: "analytics", identifier: config.alias ?? name },
    config: {
      materialized: "materialized_view",
      enabled: true,
      zeroDowntime: { enabled: true },
      indexes: [],
      grants: {},
      preHook: [],
      postHook: [],
      persistDocs: { relation: false, columns: false },
      sessionSettings: [],
      unknownKeys: [],
      notApplied: [],
      ...config,
    },
    columns: [],
    refs: [],
    seedRefs: [],
    sources: [],
    hookSql: { pre: [], post: [] },
    isMaterializedView: (config.materialized ?? "materialized_view").startsWith("materialized"),
    warnings: [],
    ...extra,
  };
}

export function project(...models: ModelNode[]): DbtProject {
  return {
    name: "shop",
    root: ".",
    revision: "WORKTREE",
    models: new Map(models.map((node) => [node.name, node])),
    failures: new Map(),
    order: models.map((node) => node.name),
    seeds: new Map(),
    sources: new Map(),
    modelPaths: ["models"],
    macroPaths: ["macros"],
    projectFile: "dbt_project.yml",
    warnings: [],
  };
}

export function catalog(rows: Partial<CatalogRows>): CatalogSnapshot {
  return new CatalogSnapshot({
    schemas: ["analytics"],
    relations: [],
    depends: [],
    indexes: [],
    creating: [],
    ...rows,
  });
}

export const mv = (id: number, name: string, schema = "analytics") => ({
  id,
  name,
  schema,
  type: "materialized view",
});

/** The clock the plan tests stamp temporary names with. */
export const planNow = new Date(Date.UTC(2026, 10, 21, 10, 11, 12, 123));

/** The inputs' defaults, as a deploy with none set plans. */
export const defaultPlanOptions: PlanOptions = {
  dryRun: false,
  fullRefresh: false,
  zeroDowntime: "model-config",
  immediateCleanup: false,
  rebuildDownstream: true,
  backgroundDdl: true,
};
