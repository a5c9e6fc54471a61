import type { DbtProject, ModelNode } from "../project/types.js";
import { ProjectError } from "../project/errors.js";
import { refLine } from "../project/index.js";
import { HIDDEN_TYPE, type CatalogSnapshot } from "../risingwave/catalog.js";
import { BACKFILL_ORDER_SINCE, SESSION_SETTINGS } from "../risingwave/session-settings.js";
import { atLeast, type RisingWaveVersion } from "../risingwave/version.js";
import { displayName, UnquotableNameError, type QualifiedName } from "../sql/quote.js";
import { requireSingleStatement, SqlShapeError } from "../sql/single-statement.js";
import { carryOver } from "./carry-over.js";
import * as ddl from "./ddl.js";
import { decideAction, type ActionOptions } from "./decide-action.js";
import type { Evidence } from "./evidence.js";
import {
  fullRefreshSteps,
  initialCreateSteps,
  inPlaceSteps,
  zeroDowntimeSteps,
  type StepOptions,
} from "./model-steps.js";
import { permittedDrops } from "./permitted-drops.js";
import { preflight } from "./preflight.js";
import { readerMoves } from "./reader-moves.js";
import { onStagedUpstreams } from "./staged-upstreams.js";
import { chooseTempName } from "./temp-name.js";
import { takenNames } from "./taken-names.js";
import { planView } from "./view-entry.js";
import {
  PlanError,
  type Plan,
  type PlanFailure,
  type PlanIssue,
  type PlannedModel,
  type PlanStep,
  type Reader,
} from "./types.js";

export interface PlanRequest {
  model: string;
  /** Why the model is in the plan, e.g. "definition changed", "new model", "selected". */
  reason: string;
  /** Only indexes, grants or comments differ from the base revision: applied in place. */
  metadataOnly?: boolean;
  /** The model at the base revision, when the request came from a diff: whose grants dbt made. */
  previous?: ModelNode;
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
  /**
   * EXPLAIN and DESCRIBE answers for this plan's models (see readEvidence). Without them the plan
   * is a first draft: nothing column-bound is checked and no comment is carried over.
   */
  evidence?: Evidence;
  /** False when planning without a database (its catalog is assumed). */
  online?: boolean;
  /** The server's version, when connected: settings it does not have are refused. */
  serverVersion?: RisingWaveVersion;
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
  const online = input.online ?? true;
  const taken = takenNames(catalog);
  const requests = new Map(input.requests.map((request) => [request.model, request]));
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
      if (error instanceof UnquotableNameError) {
        failed.push({ model: name, file: model.file, message: `${error.message} Rename it.` });
      } else if (error instanceof ProjectError) {
        failed.push({
          model: name,
          file: error.file || model.file,
          line: error.line,
          message: error.description,
        });
      } else {
        throw error;
      }
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
    const isView = model.config.materialized === "view";
    if (!model.isMaterializedView && !isView && !requested.has(name)) return;
    // Rendered first: a model that cannot be rendered fails on its own, before any of its steps.
    void model.sql;
    void model.hookSql;
    if (isView) {
      planViewModel(name, model, why, rebuiltUpstream);
      return;
    }

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
    const request = requests.get(name);
    // A model whose upstream is rebuilt must be rebuilt too, or it keeps reading the previous version.
    const metadataOnly = request?.metadataOnly === true && rebuiltUpstream.length === 0;
    const decision = decideAction(
      model,
      existing,
      request?.metadataOnly && !metadataOnly
        ? `${why}; downstream of ${rebuiltUpstream.join(", ")}`
        : why,
      options,
      metadataOnly,
    );
    if (decision.action !== "skip") checkStatements(model, issues);
    const built = onStagedUpstreams(model, rebuilt);

    const immediateCleanup = model.config.zeroDowntime.immediateCleanup ?? options.immediateCleanup;
    const check = input.evidence?.definitions.get(name);
    const described = existing && input.evidence?.described.get(existing.id);
    const entry: PlannedModel = {
      model: name,
      file: model.file,
      target: model.relation,
      action: decision.action,
      reason: decision.reason,
      downstreamOf: requested.has(name) ? [] : rebuiltUpstream,
      immediateCleanup,
      readsPlanned: model.refs.filter((ref) => deployed.has(ref)),
      sql: built.sql,
      ...(built === model ? {} : { checkSql: model.sql }),
      steps: [],
      readers: [],
      warnings: decision.warning ? [decision.warning] : [],
      ...(existing ? { targetId: existing.id } : {}),
      carriedOver: [],
      problems: [],
      unchecked: [],
      mayDrop: [],
    };
    if (decision.action === "create") {
      entry.steps = initialCreateSteps(built, options, check?.columns);
    } else if (decision.action === "full-refresh") {
      entry.steps = fullRefreshSteps(built, options, check?.columns);
    } else if (decision.action === "zero-downtime" && existing) {
      const tempName = chooseTempName(model.relation.identifier, input.now, (candidate) =>
        taken(model.relation.schema, candidate),
      );
      if (tempName === undefined) {
        issues.push({
          file: model.file,
          message: `every temporary name for ${displayName(model.relation)} at this moment is taken; deploy again.`,
        });
        return;
      }
      entry.temp = { schema: model.relation.schema, identifier: tempName };
      const carried = carryOver({
        model,
        existing,
        temp: entry.temp,
        catalog,
        described,
        newColumns: check?.columns,
      });
      if (carried.keepPrevious && immediateCleanup) {
        entry.immediateCleanup = false;
        carried.warnings.push(
          `immediate_cleanup is off for this deploy of ${model.name}: its previous version keeps what could not be carried over.`,
        );
      }
      entry.carriedOver = carried.items;
      entry.warnings.push(...carried.warnings.map((warning) => `${model.name}: ${warning}`));
      entry.unchecked.push(...carried.unchecked);
      entry.steps = zeroDowntimeSteps(
        built,
        existing,
        entry.temp,
        catalog,
        { ...options, immediateCleanup: entry.immediateCleanup },
        carried,
        check?.columns,
      );
    } else if (existing && model.isMaterializedView) {
      const inPlace = inPlaceSteps(model, existing, catalog, described, request?.previous);
      entry.warnings.push(...inPlace.warnings);
      entry.unchecked.push(...inPlace.unchecked);
      entry.problems.push(...inPlace.problems);
      if (inPlace.steps.length > 0) {
        checkStatements(model, issues);
        entry.steps = inPlace.steps;
        if (decision.action !== "in-place") {
          entry.action = "in-place";
          entry.reason = `${decision.reason}; what its config declares and the MV lacks is applied in place`;
        }
      } else if (decision.action === "in-place") {
        entry.reason = inPlace.indexesLeft
          ? `${why}; on_configuration_change is '${inPlace.indexesLeft}', so its index changes are not applied and nothing is issued`
          : `${why}; the MV already has the indexes, grants and comments its config declares, so nothing is issued`;
      }
    }
    entry.warnings.push(...configWarnings(model));
    if (input.serverVersion) {
      entry.problems.push(...versionProblems(model, entry.steps, input.serverVersion));
    } else if (
      entry.steps.some(
        (step) =>
          step.kind === "set-session" || (step.kind === "create" && model.config.backfillOrder),
      )
    ) {
      entry.unchecked.push(
        "whether the server's version has the model's RisingWave settings and backfill_order could not be checked (no database)",
      );
    }
    const found = preflight({
      model,
      action: entry.action,
      existing,
      catalog,
      check,
      described,
      online,
      dryRun: options.dryRun,
    });
    entry.problems.push(...found.problems);
    entry.warnings.push(...found.warnings);
    entry.unchecked.push(...found.unchecked);
    entry.mayDrop = permittedDrops(entry, existing);
    const schema = model.relation.schema;
    if (entry.steps.length > 0 && !catalog.hasSchema(schema) && !newSchemas.has(schema)) {
      newSchemas.add(schema);
      entry.steps.unshift({ kind: "create-schema", sql: ddl.createSchema(schema) });
    }
    planned.push(entry);
    if (entry.action !== "skip" && entry.action !== "in-place") deployed.add(name);
    if (REBUILDS.has(entry.action)) rebuilt.set(name, entry);
  }

  function planViewModel(
    name: string,
    model: ModelNode,
    why: string,
    rebuiltUpstream: string[],
  ): void {
    const existing = catalog.find(model.relation.schema, model.relation.identifier);
    if (existing && existing.type !== "view") {
      issues.push({
        file: model.file,
        message:
          `${displayName(model.relation)} already exists as a ${existing.type}, not a view; ` +
          "it cannot be replaced by a view. Rename the model (alias) or drop that object first.",
      });
      return;
    }
    checkStatements(model, issues);
    const immediateCleanup = model.config.zeroDowntime.immediateCleanup ?? options.immediateCleanup;
    // A view is staged like an MV: built on the temporary MVs of what it reads.
    const built = onStagedUpstreams(model, rebuilt);
    const decision = planView({
      model: built,
      existing,
      why,
      catalog,
      fullRefresh: options.fullRefresh,
      immediateCleanup,
      now: input.now,
      taken,
    });
    if (decision.problem) issues.push({ file: model.file, message: decision.problem });
    const entry: PlannedModel = {
      model: name,
      file: model.file,
      target: model.relation,
      relationType: "view",
      action: decision.action,
      reason: decision.reason,
      downstreamOf: requested.has(name) ? [] : rebuiltUpstream,
      ...(decision.temp ? { temp: decision.temp } : {}),
      immediateCleanup,
      readsPlanned: model.refs.filter((ref) => deployed.has(ref)),
      sql: built.sql,
      ...(built === model ? {} : { checkSql: model.sql }),
      steps: decision.steps,
      readers: [],
      warnings: decision.warnings,
      ...(existing ? { targetId: existing.id } : {}),
      carriedOver: decision.carriedOver,
      problems: [],
      unchecked: [],
      mayDrop: [],
    };
    const found = preflight({
      model,
      action: entry.action,
      existing,
      catalog,
      online,
      dryRun: options.dryRun,
      relationType: "view",
    });
    entry.problems.push(...found.problems);
    entry.warnings.push(...found.warnings);
    entry.unchecked.push(...found.unchecked);
    entry.mayDrop = permittedDrops(entry, existing);
    const schema = model.relation.schema;
    if (!catalog.hasSchema(schema) && !newSchemas.has(schema)) {
      newSchemas.add(schema);
      entry.steps.unshift({ kind: "create-schema", sql: ddl.createSchema(schema) });
    }
    planned.push(entry);
    deployed.add(name);
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
      issues.push({ file: entry.file, message: fullRefreshRefusal(entry, outside, project) });
    }
    if (entry.action === "zero-downtime" && entry.temp) {
      for (const reader of entry.readers) {
        const who =
          reader.type === HIDDEN_TYPE
            ? `${reader.name}, which the catalog hides from this user,`
            : `${reader.type} ${reader.schema}.${reader.name}`;
        const note =
          `${who} still reads the previous version of ` +
          `${displayName(entry.target)} via ${displayName(entry.temp)}` +
          (reader.type === "sink"
            ? `; move it with the statements in the report (a new sink FROM ${displayName(entry.target)} with snapshot = 'false', swapped in with ALTER SINK … SWAP WITH, or REPLACE SINK on RisingWave 3.1+).`
            : reader.type === "subscription"
              ? `; move it with the statements in the report (a new subscription FROM ${displayName(entry.target)}, swapped in with ALTER SUBSCRIPTION … SWAP WITH).`
              : ".");
        entry.warnings.push(note);
      }
      const moves = readerMoves(entry, input.evidence, catalog, taken);
      if (moves.length > 0) entry.readerMoves = moves;
    }
  }

  if (issues.length > 0) throw new PlanError(issues);
  return { mode: "deploy", dryRun: options.dryRun, models: planned, failed };
}

/** Config keys that reach nothing: said once per planned model, never dropped in silence. */
function configWarnings(model: ModelNode): string[] {
  const warnings: string[] = [];
  if (model.config.unknownKeys.length > 0) {
    warnings.push(
      `${model.name}: config ${model.config.unknownKeys.join(", ")} ${model.config.unknownKeys.length === 1 ? "is" : "are"} ` +
        "not a dbt or dbt-risingwave setting and had no effect (a typo?).",
    );
  }
  const ignored = model.config.indexes.flatMap((index) =>
    (["unique", "type"] as const).filter((key) => index[key] !== undefined),
  );
  if (ignored.length > 0) {
    // dbt-risingwave's RW004 / RW005: RisingWave indexes have neither.
    warnings.push(
      `${model.name}: indexes ${[...new Set(ignored)].join(" and ")} ${ignored.length === 1 ? "has" : "have"} no effect on RisingWave; the index is created without ${ignored.length === 1 ? "it" : "them"}.`,
    );
  }
  for (const key of model.config.notApplied) {
    warnings.push(
      `${model.name}: config ${key} is applied by dbt-risingwave but not by this action.`,
    );
  }
  return warnings;
}

/** A SET of a parameter the server lacks fails (`Unrecognized config entry`): refused before any DDL. */
function versionProblems(
  model: ModelNode,
  steps: PlanStep[],
  version: RisingWaveVersion,
): string[] {
  const problems: string[] = [];
  const older = (since: { major: number; minor: number }) =>
    !atLeast(version, { ...since, patch: 0 });
  for (const step of steps) {
    if (step.kind !== "set-session") continue;
    const setting = SESSION_SETTINGS.find((candidate) => candidate.name === step.name);
    if (setting && older(setting.since)) {
      problems.push(
        `config ${setting.name} needs RisingWave ${setting.since.major}.${setting.since.minor} or newer; ` +
          `this server is ${version.text}. Remove it from the model's config or upgrade.`,
      );
    }
  }
  const creates = steps.some((step) => step.kind === "create");
  if (creates && model.config.backfillOrder && older(BACKFILL_ORDER_SINCE)) {
    problems.push(
      `config backfill_order needs RisingWave ${BACKFILL_ORDER_SINCE.major}.${BACKFILL_ORDER_SINCE.minor} or newer; ` +
        `this server is ${version.text}. Remove it from the model's config or upgrade.`,
    );
  }
  return problems;
}

/** One line: what blocks the drop, and the one change that gets past it. */
function fullRefreshRefusal(
  entry: PlannedModel,
  outside: { schema: string; name: string; type: string }[],
  project: DbtProject,
): string {
  const readers = describeReaders(outside);
  const models = [...project.models.values()]
    .filter((model) =>
      outside.some(
        (reader) =>
          reader.schema === model.relation.schema && reader.name === model.relation.identifier,
      ),
    )
    .map((model) => model.name);
  const fix =
    models.length === outside.length
      ? `add them to the selection (models: ${[entry.model, ...models].join(", ")}) so they are refreshed with it`
      : models.length > 0
        ? `add the dbt models among them to the selection (models: ${[entry.model, ...models].join(", ")}) and drop the others by hand first`
        : "they are not dbt models, so drop them by hand first, or deploy without full-refresh: a zero-downtime rebuild leaves them reading the previous version";
  return (
    `Full refresh of ${displayName(entry.target)} refused before any DROP: ${readers} read it and ` +
    `would block the drop (never CASCADE); ${fix}.`
  );
}

export function describeReaders(readers: Reader[]): string {
  return readers.map(readerName).join(", ");
}

/** `schema.name (type)`; a reader the catalog hides from this user has only its id. */
export function readerName(reader: Reader): string {
  return reader.type === HIDDEN_TYPE
    ? `${reader.name} (${reader.type})`
    : `${reader.schema}.${reader.name} (${reader.type})`;
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
