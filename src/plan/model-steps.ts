import type { ModelNode } from "../project/types.js";
import type { CatalogRelation, CatalogSnapshot } from "../risingwave/catalog.js";
import type { DescribedRelation } from "../risingwave/describe.js";
import type { QualifiedName } from "../sql/quote.js";
import { parseAclItem, selectMode, type CarryOver } from "./carry-over.js";
import * as ddl from "./ddl.js";
import {
  canonicalIndexName,
  canonicalIndexPrefix,
  retiredIndexName,
  stagedIndexName,
} from "./index-names.js";
import { parseTempName } from "./temp-name.js";
import type { PlanStep } from "./types.js";

export interface StepOptions {
  backgroundDdl: boolean;
}

/**
 * The statements that make `on` what the model says: indexes are separate, they need names. A
 * documented column the new definition lacks gets no comment (preflight warns about it), as dbt
 * skips it; `columns` undefined means the columns are unknown.
 */
function grantsAndComments(model: ModelNode, on: QualifiedName, columns?: string[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const [privilege, grantees] of Object.entries(model.config.grants)) {
    for (const grantee of grantees) {
      steps.push({ kind: "grant", sql: ddl.grant(privilege, on, grantee) });
    }
  }
  if (model.config.persistDocs.relation && model.description) {
    steps.push({ kind: "comment", sql: ddl.commentOnRelation(on, model.description) });
  }
  if (model.config.persistDocs.columns) {
    for (const column of model.columns) {
      if (!column.description) continue;
      if (columns !== undefined && !columns.includes(column.name)) continue;
      steps.push({
        kind: "comment",
        sql: ddl.commentOnColumn(on, column.name, column.description),
      });
    }
  }
  return steps;
}

function createSteps(model: ModelNode, relation: QualifiedName, options: StepOptions): PlanStep[] {
  const steps: PlanStep[] = model.hookSql.pre.map((sql) => ({ kind: "pre-hook", sql }));
  if (model.config.sqlHeader) steps.push({ kind: "sql-header", sql: model.config.sqlHeader });
  const create: PlanStep = {
    kind: "create",
    sql: ddl.createMaterializedView(relation, model.sql),
    relation,
  };
  if (options.backgroundDdl) {
    steps.push({ kind: "background-ddl", sql: ddl.setBackgroundDdl(true), enabled: true }, create, {
      kind: "background-ddl",
      sql: ddl.setBackgroundDdl(false),
      enabled: false,
    });
  } else {
    steps.push(create);
  }
  steps.push({ kind: "wait-backfill", relation });
  return steps;
}

/** Initial creation, and the create half of a full refresh. */
export function initialCreateSteps(
  model: ModelNode,
  options: StepOptions,
  columns?: string[],
): PlanStep[] {
  const target = model.relation;
  return [
    ...createSteps(model, target, options),
    ...model.config.indexes.map((index): PlanStep => ({
      kind: "create-index",
      sql: ddl.createIndex(canonicalIndexName(target.identifier, index), target, index),
    })),
    ...grantsAndComments(model, target, columns),
    ...model.hookSql.post.map((sql): PlanStep => ({ kind: "post-hook", sql })),
  ];
}

/**
 * DESIGN 2.3. Grants and comments go on the temporary MV before the swap rather than after, so
 * the new version is readable by every grantee the moment it carries the name; so do the live
 * MV's own grants, comments, owner and hand-made indexes (`carried`).
 */
export function zeroDowntimeSteps(
  model: ModelNode,
  existing: CatalogRelation,
  temp: QualifiedName,
  catalog: CatalogSnapshot,
  options: StepOptions & { immediateCleanup: boolean },
  carried: CarryOver,
  columns?: string[],
): PlanStep[] {
  const target = model.relation;
  const indexes = model.config.indexes;
  const canonicalNames = new Set(
    indexes.map((index) => canonicalIndexName(target.identifier, index)),
  );
  const onExisting = catalog
    .indexesOn(existing.id)
    .filter(
      (index) =>
        canonicalNames.has(index.name) ||
        index.name.startsWith(canonicalIndexPrefix(target.identifier)),
    );
  // A run that lost its connection after the SWAP took effect but before the index names were
  // handed over leaves a canonical name on this model's previous version, now under a temporary
  // name: retire it there too, or the new index could never take its name.
  const onLeftovers = [...canonicalNames].flatMap((name) => {
    const index = catalog.index(target.schema, name);
    if (!index || index.onId === existing.id) return [];
    const owner = catalog.relation(index.onId);
    const ownTemp =
      owner?.type === "materialized view" &&
      owner.schema === target.schema &&
      parseTempName(owner.name)?.baseName === target.identifier;
    return ownTemp ? [index] : [];
  });
  const retiring = [...onExisting, ...onLeftovers, ...carried.indexes.map((index) => index.live)];

  const steps: PlanStep[] = [
    ...createSteps(model, temp, options),
    ...indexes.map((index): PlanStep => ({
      kind: "create-index",
      sql: ddl.createIndex(stagedIndexName(temp.identifier, index), temp, index),
    })),
    ...grantsAndComments(model, temp, columns),
    ...carried.steps,
    ...(carried.ownerStep ? [carried.ownerStep] : []),
    { kind: "swap", sql: ddl.swapMaterializedViews(target, temp), target, temp },
    ...retiring.map((index, ordinal): PlanStep => ({
      kind: "rename-index",
      sql: ddl.renameIndex(
        index.schema,
        index.name,
        retiredIndexName(temp.identifier, ordinal + 1),
      ),
    })),
    ...indexes.map((index): PlanStep => ({
      kind: "rename-index",
      sql: ddl.renameIndex(
        target.schema,
        stagedIndexName(temp.identifier, index),
        canonicalIndexName(target.identifier, index),
      ),
    })),
    ...carried.indexes.map((index): PlanStep => ({
      kind: "rename-index",
      sql: ddl.renameIndex(target.schema, index.staged, index.live.name),
    })),
    ...model.hookSql.post.map((sql): PlanStep => ({ kind: "post-hook", sql })),
  ];
  if (options.immediateCleanup) {
    steps.push({ kind: "cleanup", sql: ddl.dropMaterializedView(temp), relation: temp });
  }
  return steps;
}

export function fullRefreshSteps(
  model: ModelNode,
  options: StepOptions,
  columns?: string[],
): PlanStep[] {
  return [
    {
      kind: "drop-for-refresh",
      sql: ddl.dropMaterializedView(model.relation),
      relation: model.relation,
    },
    ...initialCreateSteps(model, options, columns),
  ];
}

/**
 * DESIGN 2.6 and issue 11 item 10: an MV that stays (its definition is not rebuilt) still gets
 * what its config declares and it lacks: a run cut off after the CREATE leaves an MV without
 * its indexes, grants or comments, and the next run completes it. Only what is missing is
 * issued; comments only when the live ones are known (`described`).
 */
export function inPlaceSteps(
  model: ModelNode,
  existing: CatalogRelation,
  catalog: CatalogSnapshot,
  described: DescribedRelation | undefined,
): { steps: PlanStep[]; warnings: string[] } {
  const target = model.relation;
  const steps: PlanStep[] = [];
  const warnings: string[] = [];
  const present = new Set(catalog.indexesOn(existing.id).map((index) => index.name));
  for (const index of model.config.indexes) {
    const name = canonicalIndexName(target.identifier, index);
    if (present.has(name)) continue;
    if (catalog.index(target.schema, name) || catalog.find(target.schema, name)) {
      warnings.push(
        `${model.name}: index ${target.schema}.${name} of its config exists on another relation; it was not created.`,
      );
      continue;
    }
    steps.push({ kind: "create-index", sql: ddl.createIndex(name, target, index) });
  }
  const readers = new Set(
    (existing.acl ?? []).flatMap((text) => {
      const item = parseAclItem(text);
      return item && selectMode(item) ? [item.grantee] : [];
    }),
  );
  for (const [privilege, grantees] of Object.entries(model.config.grants)) {
    for (const grantee of grantees) {
      if (existing.acl !== undefined && readers.has(grantee)) continue;
      steps.push({ kind: "grant", sql: ddl.grant(privilege, target, grantee) });
    }
  }
  if (described) {
    const docs = model.config.persistDocs;
    if (docs.relation && model.description && described.comment !== model.description) {
      steps.push({ kind: "comment", sql: ddl.commentOnRelation(target, model.description) });
    }
    if (docs.columns) {
      for (const column of model.columns) {
        if (!column.description || described.columnComments[column.name] === column.description) {
          continue;
        }
        if (!described.columns.includes(column.name)) continue;
        steps.push({
          kind: "comment",
          sql: ddl.commentOnColumn(target, column.name, column.description),
        });
      }
    }
  }
  return { steps, warnings };
}
