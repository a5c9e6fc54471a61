import type { ModelNode } from "../project/types.js";
import type { CatalogRelation, CatalogSnapshot } from "../risingwave/catalog.js";
import { displayName, type QualifiedName } from "../sql/quote.js";
import { liveSelectGrants } from "./carry-over.js";
import { chooseTempName } from "./temp-name.js";
import type { CarriedItem, PlanAction, PlanStep } from "./types.js";
import * as viewDdl from "./view-ddl.js";

export interface ViewDecision {
  action: PlanAction;
  reason: string;
  temp?: QualifiedName;
  steps: PlanStep[];
  carriedOver: CarriedItem[];
  warnings: string[];
  /** Stops the plan: the view cannot be deployed as asked. */
  problem?: string;
}

export interface ViewInput {
  model: ModelNode;
  existing: CatalogRelation | undefined;
  why: string;
  catalog: CatalogSnapshot;
  fullRefresh: boolean;
  immediateCleanup: boolean;
  now: Date;
  taken: (schema: string, name: string) => boolean;
}

function configuredGrants(model: ModelNode, on: QualifiedName): PlanStep[] {
  return Object.entries(model.config.grants).flatMap(([privilege, grantees]) =>
    grantees.map((grantee): PlanStep => ({
      kind: "grant",
      sql: viewDdl.grantOnView(privilege, on, grantee),
    })),
  );
}

function hooks(model: ModelNode, when: "pre" | "post"): PlanStep[] {
  return model.hookSql[when].map((sql) => ({ kind: `${when}-hook` as const, sql }));
}

function createSteps(model: ModelNode, relation: QualifiedName): PlanStep[] {
  return [
    ...hooks(model, "pre"),
    ...(model.config.sqlHeader
      ? [{ kind: "sql-header" as const, sql: model.config.sqlHeader }]
      : []),
    { kind: "create", sql: viewDdl.createView(relation, model.sql), relation },
  ];
}

/**
 * What the live view had beyond the config and keeps with its id on SWAP: SELECT grants and its
 * owner (rw-sql-audit.md 2.1, as for MVs), put on the new view before it takes the name.
 */
function carriedFromLive(
  model: ModelNode,
  existing: CatalogRelation,
  temp: QualifiedName,
  catalog: CatalogSnapshot,
): { steps: PlanStep[]; items: CarriedItem[] } {
  const steps: PlanStep[] = [];
  const items: CarriedItem[] = [];
  const me = catalog.currentUser();
  const owner = catalog.user(existing.owner);
  const configured = new Set(Object.values(model.config.grants).flat());
  for (const { grantee, withOption } of liveSelectGrants(existing, catalog, configured)) {
    steps.push({ kind: "grant", sql: viewDdl.grantOnView("select", temp, grantee, withOption) });
    items.push({
      kind: "grant",
      detail: `SELECT${withOption ? " WITH GRANT OPTION" : ""} to ${grantee}`,
    });
  }
  if (owner && me && owner.id !== me.id && me.isSuper) {
    steps.push({ kind: "set-owner", sql: viewDdl.setViewOwner(temp, owner.name) });
    items.push({ kind: "owner", detail: owner.name });
  }
  return { steps, items };
}

/**
 * Pure: how a dbt view model is deployed. A view reads its upstream by id (RisingWave rewrites a
 * view's SQL to the new name when what it reads is renamed or swapped: rename_relation_refer,
 * src/meta/src/controller/utils.rs @v2.2.0), so after an upstream MV's SWAP it would keep
 * reading the previous version. It is rebuilt the way an MV is: created under a temporary name
 * reading the new upstream, then swapped in (`ALTER VIEW … SWAP WITH`, v2.1.0+), whatever
 * zero_downtime says: a view has no backfill, so the swap costs nothing and loses no grant.
 * RisingWave cannot comment on a view (COMMENT ON TABLE binds tables only, handler/comment.rs
 * @v2.2.0), so persist_docs is not applied to views.
 */
export function planView(input: ViewInput): ViewDecision {
  const { model, existing, why } = input;
  const warnings: string[] = [];
  if (model.config.persistDocs.relation || model.config.persistDocs.columns) {
    warnings.push(
      `${model.name}: persist_docs is not applied to views (RisingWave cannot comment on a view).`,
    );
  }
  const base = { carriedOver: [], warnings };
  if (!existing) {
    return {
      ...base,
      action: "create",
      reason: why,
      steps: [
        ...createSteps(model, model.relation),
        ...configuredGrants(model, model.relation),
        ...hooks(model, "post"),
      ],
    };
  }
  if (input.fullRefresh) {
    return {
      ...base,
      action: "full-refresh",
      reason: `${why}; full refresh requested`,
      steps: [
        {
          kind: "drop-for-refresh",
          sql: viewDdl.dropView(model.relation),
          relation: model.relation,
        },
        ...createSteps(model, model.relation),
        ...configuredGrants(model, model.relation),
        ...hooks(model, "post"),
      ],
    };
  }
  const target = model.relation;
  const tempName = chooseTempName(target.identifier, input.now, (candidate) =>
    input.taken(target.schema, candidate),
  );
  if (tempName === undefined) {
    return {
      ...base,
      action: "zero-downtime",
      reason: why,
      steps: [],
      problem: `every temporary name for ${displayName(target)} at this moment is taken; deploy again.`,
    };
  }
  const temp = { schema: target.schema, identifier: tempName };
  const carried = carriedFromLive(model, existing, temp, input.catalog);
  const steps: PlanStep[] = [
    ...createSteps(model, temp),
    ...configuredGrants(model, temp),
    ...carried.steps,
    { kind: "swap", sql: viewDdl.swapViews(target, temp), target, temp },
    ...hooks(model, "post"),
  ];
  if (input.immediateCleanup) {
    steps.push({ kind: "cleanup", sql: viewDdl.dropView(temp), relation: temp });
  }
  return { ...base, action: "zero-downtime", reason: why, temp, steps, carriedOver: carried.items };
}
