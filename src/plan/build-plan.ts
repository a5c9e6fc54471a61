import type { DbtProject, ModelNode } from "../project/types.js";
import { ProjectError, refLine } from "../project/index.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { displayName, type QualifiedName } from "../sql/quote.js";
import { requireSingleStatement, SqlShapeError } from "../sql/single-statement.js";
import * as ddl from "./ddl.js";
import { decideAction, type ActionOptions } from "./decide-action.js";
import {
  fullRefreshSteps,
  initialCreateSteps,
  zeroDowntimeSteps,
  type StepOptions,
} from "./model-steps.js";
import { makeTempName } from "./temp-name.js";
import {
  PlanError,
  type Plan,
  type PlanFailure,
  type PlanIssue,
  type PlannedModel,
  type Reader,
} from "./types.js";

export interface PlanRequest {
  model: string;
  /** Why the model is in the plan, e.g. "definition changed", "new model", "selected". */
  reason: string;
}

export interface PlanOptions extends ActionOptions, StepOptions {
  dryRun: boolean;
  immediateCleanup: boolean;
  rebuildDownstream: boolean;
}

export interface PlanInput {
  project: DbtProject;
  requests: PlanRequest[];
  /** Requested models already known not to build (they failed to load). */
  failures?: PlanFailure[];
  catalog: CatalogSnapshot;
  options: PlanOptions;
  /** Stamps the temporary names. */
  now: Date;
}

const REBUILDS = new Set(["zero-downtime", "full-refresh"]);

function relationKey(name: QualifiedName): string {
  return `${name.schema}\u0000${name.identifier}`;
}

/** Model SQL, hooks and headers come from the pull request: each must be exactly one statement. */
function checkStatements(model: ModelNode, issues: PlanIssue[]): void {
  const check = (sql: string, what: string) => {
    try {
      requireSingleStatement(sql, what);
    } catch (error) {
      if (!(error instanceof SqlShapeError)) throw error;
      issues.push({ message: error.message, file: model.file, line: error.line });
    }
  };
  check(model.sql, `The SQL of model ${model.name} (${model.file})`);
  model.hookSql.pre.forEach((sql, i) => check(sql, `pre_hook ${i + 1} of model ${model.name}`));
  model.hookSql.post.forEach((sql, i) => check(sql, `post_hook ${i + 1} of model ${model.name}`));
  if (model.config.sqlHeader) check(model.config.sqlHeader, `sql_header of model ${model.name}`);
}

/**
 * Pure: from the project, what was asked for and the live catalog to the ordered statements of
 * every model. Upstream models come first, so a downstream model is created after its upstream
 * carries the new version under its own name.
 */
export function buildPlan(input: PlanInput): Plan {
  const { project, catalog, options } = input;
  const requested = new Map(input.requests.map((request) => [request.model, request.reason]));
  const issues: PlanIssue[] = [];
  const planned: PlannedModel[] = [];
  const rebuilt = new Map<string, PlannedModel>();
  /** Models this plan creates or rebuilds (not skipped), by name. */
  const deployed = new Set<string>();
  const newSchemas = new Set<string>();
  const failed: PlanFailure[] = [...(input.failures ?? [])];
  const failedNames = new Set(failed.map((failure) => failure.model));

  for (const name of project.order) {
    const model = project.models.get(name);
    if (!model) continue;
    const failedUpstream = model.refs.find((ref) => failedNames.has(ref));
    if (
      failedUpstream !== undefined &&
      (requested.has(name) || (options.rebuildDownstream && model.isMaterializedView))
    ) {
      failed.push({
        model: name,
        file: model.file,
        line: refLine(model.rawSql, failedUpstream),
        message: `not deployed: it reads ${failedUpstream}, which cannot be built in this run.`,
      });
      failedNames.add(name);
      continue;
    }
    try {
      planModel(name, model);
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      failed.push({
        model: name,
        file: error.file || model.file,
        line: error.line,
        message: error.description,
      });
      failedNames.add(name);
    }
  }

  function planModel(name: string, model: ModelNode): void {
    const rebuiltUpstream = options.rebuildDownstream
      ? model.refs.filter((ref) => rebuilt.has(ref))
      : [];
    const why =
      requested.get(name) ??
      (rebuiltUpstream.length > 0 ? `downstream of ${rebuiltUpstream.join(", ")}` : undefined);
    if (why === undefined) return;
    if (!model.isMaterializedView && !requested.has(name)) return;
    // Rendered first: a model that cannot be rendered fails on its own, before any of its steps.
    void model.sql;
    void model.hookSql;

    const existing = catalog.find(model.relation.schema, model.relation.identifier);
    if (existing && existing.type !== "materialized view") {
      issues.push({
        file: model.file,
        message:
          `${displayName(model.relation)} already exists as a ${existing.type}, not a materialized view; ` +
          "it cannot be replaced by a materialized view. Rename the model (alias) or drop that object first.",
      });
      return;
    }
    const creating = existing && catalog.creatingJob(existing.id);
    if (creating) {
      issues.push({
        file: model.file,
        message:
          `${displayName(model.relation)} is still being created by a background job (${creating.progress}); ` +
          "it cannot be replaced until that finishes. Wait for it, or cancel it (CANCEL JOBS) and deploy again.",
      });
      return;
    }
    const decision = decideAction(model, existing, why, options);
    if (decision.action !== "skip") checkStatements(model, issues);

    const immediateCleanup = model.config.zeroDowntime.immediateCleanup ?? options.immediateCleanup;
    const entry: PlannedModel = {
      model: name,
      file: model.file,
      target: model.relation,
      action: decision.action,
      reason: decision.reason,
      downstreamOf: requested.has(name) ? [] : rebuiltUpstream,
      immediateCleanup,
      readsPlanned: model.refs.filter((ref) => deployed.has(ref)),
      sql: model.sql,
      steps: [],
      readers: [],
      warnings: decision.warning ? [decision.warning] : [],
    };
    if (decision.action === "create") {
      entry.steps = initialCreateSteps(model, options);
    } else if (decision.action === "full-refresh") {
      entry.steps = fullRefreshSteps(model, options);
    } else if (decision.action === "zero-downtime" && existing) {
      entry.temp = {
        schema: model.relation.schema,
        identifier: makeTempName(model.relation.identifier, input.now, planned.length),
      };
      entry.steps = zeroDowntimeSteps(model, existing, entry.temp, catalog, {
        ...options,
        immediateCleanup,
      });
    }
    const schema = model.relation.schema;
    if (entry.steps.length > 0 && !catalog.hasSchema(schema) && !newSchemas.has(schema)) {
      newSchemas.add(schema);
      entry.steps.unshift({ kind: "create-schema", sql: ddl.createSchema(schema) });
    }
    planned.push(entry);
    if (entry.action !== "skip") deployed.add(name);
    if (REBUILDS.has(entry.action)) rebuilt.set(name, entry);
  }

  const rebuiltRelations = new Set([...rebuilt.values()].map((entry) => relationKey(entry.target)));

  for (const entry of rebuilt.values()) {
    const existing = catalog.find(entry.target.schema, entry.target.identifier);
    if (!existing) continue;
    const outside = catalog
      .dependentsOf(existing.id)
      .filter(
        (reader) =>
          !rebuiltRelations.has(relationKey({ schema: reader.schema, identifier: reader.name })),
      );
    entry.readers = outside.map((reader): Reader => ({
      schema: reader.schema,
      name: reader.name,
      type: reader.type,
    }));
    if (entry.action === "full-refresh" && outside.length > 0) {
      issues.push({
        file: entry.file,
        message:
          `Full refresh of ${displayName(entry.target)} refused: ${describeReaders(entry.readers)} ` +
          "depend on it and are not part of this refresh, and a drop never uses CASCADE. Include them " +
          `(models: ${entry.model}+), or drop them first.`,
      });
    }
    if (entry.action === "zero-downtime" && entry.temp) {
      for (const reader of entry.readers) {
        const note =
          `${reader.type} ${reader.schema}.${reader.name} still reads the previous version of ` +
          `${displayName(entry.target)} via ${displayName(entry.temp)}` +
          (reader.type === "sink"
            ? `; recreate the sink on the new MV (REPLACE SINK … FROM ${displayName(entry.target)} on RisingWave 3.1+, or create a new sink and drop the old one).`
            : ".");
        entry.warnings.push(note);
      }
    }
  }

  if (issues.length > 0) throw new PlanError(issues);
  return { mode: "deploy", dryRun: options.dryRun, models: planned, failed };
}

export function describeReaders(readers: Reader[]): string {
  return readers.map((reader) => `${reader.schema}.${reader.name} (${reader.type})`).join(", ");
}

/** Project errors and plan errors both become annotated issues. */
export function issuesOf(error: unknown): PlanIssue[] | undefined {
  if (error instanceof PlanError) return error.issues;
  if (error instanceof ProjectError) {
    return error
      .all()
      .map((problem) => ({ message: problem.description, file: problem.file, line: problem.line }));
  }
  return undefined;
}

export function planWarnings(plan: Plan): string[] {
  return plan.models.flatMap((entry) => entry.warnings);
}
