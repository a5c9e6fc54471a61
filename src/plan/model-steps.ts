import type { ModelNode } from "../project/types.js";
import type { CatalogIndex, CatalogRelation, CatalogSnapshot } from "../risingwave/catalog.js";
import type { DescribedRelation } from "../risingwave/describe.js";
import type { QualifiedName } from "../sql/quote.js";
import { parseAclItem, selectMode, type CarryOver } from "./carry-over.js";
import * as ddl from "./ddl.js";
import { parseIndexDefinition, sameIndexShape } from "../sql/index-definition.js";
import {
  canonicalIndexName,
  canonicalIndexPrefix,
  isManagedIndex,
  replacementIndexName,
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

/** The model's RisingWave session settings, as SET and reset steps (dbt-risingwave's SQL header). */
function sessionSteps(model: ModelNode): { set: PlanStep[]; reset: PlanStep[] } {
  const settings = model.config.sessionSettings;
  return {
    set: settings.map((setting): PlanStep => ({
      kind: "set-session",
      sql: ddl.setSessionParameter(setting.name, setting.value),
      name: setting.name,
    })),
    reset: settings.map((setting): PlanStep => ({
      kind: "reset-session",
      sql: ddl.resetSessionParameter(setting.name),
      name: setting.name,
    })),
  };
}

/**
 * The build of `relation` and its indexes: the session settings hold for the CREATE and the
 * CREATE INDEXes (as dbt-risingwave's header precedes both) and are reset after them.
 */
function createSteps(
  model: ModelNode,
  relation: QualifiedName,
  options: StepOptions,
  indexSteps: PlanStep[],
): PlanStep[] {
  const steps: PlanStep[] = model.hookSql.pre.map((sql) => ({ kind: "pre-hook", sql }));
  if (model.config.sqlHeader) steps.push({ kind: "sql-header", sql: model.config.sqlHeader });
  const session = sessionSteps(model);
  steps.push(...session.set);
  const create: PlanStep = {
    kind: "create",
    sql: ddl.createMaterializedView(relation, model.sql, model.config.backfillOrder),
    relation,
  };
  if (model.config.backgroundDdl ?? options.backgroundDdl) {
    steps.push({ kind: "background-ddl", sql: ddl.setBackgroundDdl(true), enabled: true }, create, {
      kind: "background-ddl",
      sql: ddl.setBackgroundDdl(false),
      enabled: false,
    });
  } else {
    steps.push(create);
  }
  steps.push({ kind: "wait-backfill", relation }, ...indexSteps, ...session.reset);
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
    ...createSteps(
      model,
      target,
      options,
      model.config.indexes.map((index): PlanStep => ({
        kind: "create-index",
        sql: ddl.createIndex(canonicalIndexName(target.identifier, index), target, index),
      })),
    ),
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
    ...createSteps(
      model,
      temp,
      options,
      indexes.map((index): PlanStep => ({
        kind: "create-index",
        sql: ddl.createIndex(stagedIndexName(temp.identifier, index), temp, index),
      })),
    ),
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

export interface InPlace {
  steps: PlanStep[];
  warnings: string[];
  unchecked: string[];
  /** Refusals before any DDL (on_configuration_change: fail). */
  problems: string[];
  /** The index changes on_configuration_change left out. */
  indexesLeft?: "continue" | "fail";
}

/**
 * DESIGN 2.6: an MV that stays (its definition is not rebuilt) is made what its config declares:
 * the indexes, grants and comments it lacks are applied (a run cut off after the CREATE, or a
 * change of only these), indexes dbt manages that the config no longer declares are dropped
 * (hand-made ones never are), and grants the base revision's config made and the current one
 * does not are revoked. Only what differs from the live catalog is issued; comments only when
 * the live ones are known (`described`).
 */
export function inPlaceSteps(
  model: ModelNode,
  existing: CatalogRelation,
  catalog: CatalogSnapshot,
  described: DescribedRelation | undefined,
  previous?: ModelNode,
): InPlace {
  const result: InPlace = { steps: [], warnings: [], unchecked: [], problems: [] };
  const indexSteps = inPlaceIndexSteps(model, existing, catalog, previous, result);
  const leave = model.config.onConfigurationChange;
  if (indexSteps.length > 0 && leave) {
    // dbt-risingwave's risingwave__handle_on_configuration_change: `continue` warns and changes
    // nothing, `fail` stops the run; grants and comments are not configuration changes there.
    result.indexesLeft = leave;
    const differ = `the live MV's indexes differ from its config (${indexSteps.length} index statement(s) would change them)`;
    if (leave === "continue") {
      result.warnings.push(
        `${model.name}: ${differ}, and on_configuration_change is 'continue': they are left as they are, as dbt-risingwave does. Set it to 'apply' to change them.`,
      );
    } else {
      result.problems.push(
        `${differ}, and on_configuration_change is 'fail': refused before any DDL, as dbt-risingwave fails the run. Set it to 'apply' to change them.`,
      );
    }
  } else if (indexSteps.length > 0) {
    const session = sessionSteps(model);
    result.steps.push(...session.set, ...indexSteps, ...session.reset);
  }
  result.steps.push(...inPlaceGrantSteps(model, existing, previous));
  if (described) result.steps.push(...inPlaceCommentSteps(model, described));
  return result;
}

function inPlaceIndexSteps(
  model: ModelNode,
  existing: CatalogRelation,
  catalog: CatalogSnapshot,
  previous: ModelNode | undefined,
  result: InPlace,
): PlanStep[] {
  const target = model.relation;
  const live = catalog.indexesOn(existing.id);
  const shapeOf = (index: CatalogIndex) =>
    index.definition ? parseIndexDefinition(index.definition) : undefined;
  const declared = model.config.indexes.map((index) => ({
    index,
    name: canonicalIndexName(target.identifier, index),
  }));
  const declaredNames = new Set(declared.map((entry) => entry.name));
  const managedBefore = previous?.config.indexes ?? [];
  const spare = live.filter(
    (index) =>
      !declaredNames.has(index.name) &&
      (isManagedIndex(index.name, target.identifier, model.config.indexes) ||
        isManagedIndex(index.name, target.identifier, managedBefore)),
  );
  const creates: PlanStep[] = [];
  const drops: PlanStep[] = [];
  const renames: PlanStep[] = [];
  const drop = (index: CatalogIndex): PlanStep => ({
    kind: "drop-index",
    sql: ddl.dropIndex(index.schema, index.name),
    index: { schema: index.schema, identifier: index.name },
  });
  let replacements = 0;
  for (const { index, name } of declared) {
    const current = live.find((candidate) => candidate.name === name);
    if (current) {
      const shape = shapeOf(current);
      if (!shape?.columns) {
        result.unchecked.push(
          `whether index ${target.schema}.${name} is as its config declares could not be read from its definition`,
        );
        continue;
      }
      if (sameIndexShape(shape, index)) continue;
      // Built beside the live index, which goes only once it exists: reads keep an index.
      const staged = replacementIndexName(target.identifier, ++replacements);
      creates.push({ kind: "create-index", sql: ddl.createIndex(staged, target, index) });
      drops.push(drop(current));
      renames.push({ kind: "rename-index", sql: ddl.renameIndex(target.schema, staged, name) });
      continue;
    }
    if (catalog.index(target.schema, name) || catalog.find(target.schema, name)) {
      result.warnings.push(
        `${model.name}: index ${target.schema}.${name} of its config exists on another relation; it was not created.`,
      );
      continue;
    }
    const renamed = spare.find((candidate) => {
      const shape = shapeOf(candidate);
      return shape?.columns !== undefined && sameIndexShape(shape, index);
    });
    if (renamed) {
      spare.splice(spare.indexOf(renamed), 1);
      renames.push({
        kind: "rename-index",
        sql: ddl.renameIndex(renamed.schema, renamed.name, name),
      });
      continue;
    }
    creates.push({ kind: "create-index", sql: ddl.createIndex(name, target, index) });
  }
  drops.push(...spare.map(drop));
  return [...creates, ...drops, ...renames];
}

/** SELECT is the one privilege of an MV; `all` on an MV means it (ALL_AVAILABLE_MVIEW_MODES). */
const READ_PRIVILEGE = /^\s*(select|all)\s*$/i;

function readersOf(grants: Record<string, string[]>): Set<string> {
  return new Set(
    Object.entries(grants)
      .filter(([privilege]) => READ_PRIVILEGE.test(privilege))
      .flatMap(([, grantees]) => grantees),
  );
}

/**
 * dbt's apply_grants: what the config grants and the MV lacks is granted; what the MV grants and
 * the config does not is revoked, but only for grantees the base revision's config granted (a
 * grant made outside dbt is kept, as a rebuild carries it over), and never when the config grants
 * nothing (dbt-core: an empty grants config is a no-op).
 */
function inPlaceGrantSteps(
  model: ModelNode,
  existing: CatalogRelation,
  previous: ModelNode | undefined,
): PlanStep[] {
  const target = model.relation;
  const steps: PlanStep[] = [];
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
  if (!previous || existing.acl === undefined || Object.keys(model.config.grants).length === 0) {
    return steps;
  }
  const wanted = readersOf(model.config.grants);
  for (const grantee of readersOf(previous.config.grants)) {
    if (wanted.has(grantee) || !readers.has(grantee)) continue;
    steps.push({ kind: "revoke", sql: ddl.revoke("select", target, grantee) });
  }
  return steps;
}

function inPlaceCommentSteps(model: ModelNode, described: DescribedRelation): PlanStep[] {
  const target = model.relation;
  const steps: PlanStep[] = [];
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
  return steps;
}
