import type { Logger } from "../log/logger.js";
import { randomUUID } from "node:crypto";
import { type DatabaseView, loadProject } from "../project/index.js";
import type { DbtProject, LoadOptions } from "../project/types.js";
import { hostname } from "node:os";
import { acquireDeployLock, type DeployLock } from "../lock/deploy-lock.js";
import { currentHolder, type LockHolder } from "../lock/holder.js";
import { buildPlan } from "../plan/build-plan.js";
import { planToJson } from "../plan/plan-json.js";
import type { Plan, PlanIssue } from "../plan/types.js";
import { assumedCatalog, type CatalogSnapshot } from "../risingwave/catalog.js";
import { type OpenDatabase, openDatabase } from "../risingwave/open.js";
import { projectEnvironment } from "../security/project-env.js";
import type { Settings } from "../settings/settings.js";
import { blockingProblems } from "./blocking-problems.js";
import { collectRequests, type Requests } from "./requests.js";
import { executePlan } from "./execute/execute-plan.js";
import { planTime } from "./plan-clock.js";
import type { DeployOutcome } from "./outcome.js";
import { readEvidence } from "./read-evidence.js";
import { validatePlan, type ValidationResult } from "./validate-plan.js";

export interface DeployRun {
  repoRoot: string;
  /** From the event when the `base-ref` input is empty. */
  eventBaseRevision?: string;
  settings: Settings;
  logger: Logger;
  env: Record<string, string | undefined>;
  now?: Date;
  pollIntervalMs?: number;
  /** Recorded in the deploy lock; defaults to the workflow run, or this host and process. */
  lockHolder?: LockHolder;
}

export interface DeployResult {
  head: DbtProject;
  requests: Requests;
  plan: Plan;
  /** False when no database credentials were given: the plan was made offline. */
  online: boolean;
  /** What EXPLAIN said about each new definition (dry runs and deploys). */
  validation?: ValidationResult;
  /** Found before any DDL; a deploy with any is not started, a dry run reports them. */
  blocking: PlanIssue[];
  /** Not a dry run, and nothing blocked it: what was done. */
  outcome?: DeployOutcome;
}

/** Who this process is, for the deploy lock. */
export function lockHolderOf(env: Record<string, string | undefined>): LockHolder {
  return currentHolder(env, () => `rw-zero-downtime on ${hostname()} (pid ${process.pid})`);
}

export function hasCredentials(
  settings: Pick<Settings, "databaseUrl">,
  env: Record<string, string | undefined>,
): boolean {
  return settings.databaseUrl !== undefined || Boolean(env.PGHOST || env.PGDATABASE);
}

/**
 * Deploy mode, end to end: catalog → project → requests → plan → (validate | execute). The catalog
 * is read before the project loads, so templates that ask about relations get the live answer.
 */
export async function runDeploy(run: DeployRun): Promise<DeployResult> {
  const { settings, logger } = run;
  const online = hasCredentials(settings, run.env);
  if (!online && !settings.dryRun) {
    throw new Error(
      "No database credentials: set the `database-url` input (or the PG* environment variables) to deploy.",
    );
  }
  const database = online ? await openDatabase(settings.databaseUrl, logger) : undefined;
  try {
    const catalog = database ? await database.reader.catalog() : undefined;
    return await deployWith(run, database && catalog ? { database, catalog } : undefined);
  } finally {
    await database?.close();
  }
}

async function deployWith(
  run: DeployRun,
  live: { database: OpenDatabase; catalog: CatalogSnapshot } | undefined,
): Promise<DeployResult> {
  const { settings, logger } = run;
  const now = run.now ?? (await planTime(run.repoRoot, settings.dryRun));
  const load: Omit<LoadOptions, "revision"> = {
    repoRoot: run.repoRoot,
    projectDir: settings.projectDir,
    targetSchema: settings.targetSchema,
    vars: settings.vars,
    env: projectEnvironment(run.env, settings.envVars),
    fullRefresh: settings.fullRefresh,
    connection: connectionOf(settings, run.env),
    run: { startedAt: now, invocationId: randomUUID() },
    ...(live ? { database: catalogView(live.catalog) } : {}),
  };
  const head = await loadProject(load);
  const requests = await collectRequests(
    head,
    { models: settings.models, baseRevision: settings.baseRef ?? run.eventBaseRevision },
    load,
  );
  for (const warning of [...head.warnings, ...requests.warnings]) logger.warning(warning);
  logger.info(
    requests.requests.length === 0
      ? "Nothing to deploy: no materialized view model was selected or changed."
      : `Models to deploy: ${requests.requests.map((request) => request.model).join(", ")}`,
  );

  const planOptions = { ...settings, dryRun: settings.dryRun };
  if (!live) {
    logger.warning(
      "No database credentials (pull requests from forks get no secrets): the plan is rendered offline. " +
        "Whether each MV exists, what reads it, and whether the new SQL is valid could not be checked.",
    );
    const existing = offlineExisting(requests);
    const plan = buildPlan({
      project: head,
      requests: requests.requests,
      failures: requests.failures,
      catalog: existing,
      options: planOptions,
      now,
    });
    announceWarnings(plan, logger);
    return { head, requests, plan, online: false, blocking: blockingProblems(plan, undefined) };
  }

  const { database } = live;
  let lock: DeployLock | undefined;
  try {
    const input = {
      project: head,
      requests: requests.requests,
      failures: requests.failures,
      options: planOptions,
      now,
      serverVersion: database.reader.risingWaveVersion,
    };
    const planAgainst = async (catalog: CatalogSnapshot) => {
      const draft = buildPlan({ ...input, catalog });
      const evidence = await readEvidence(draft, database.reader, catalog, settings);
      const plan = buildPlan({ ...input, catalog, evidence });
      const validation = validatePlan(plan, evidence, logger);
      return { catalog, evidence, plan, validation, blocking: blockingProblems(plan, validation) };
    };
    let planned = await planAgainst(live.catalog);
    const result = () => ({
      head,
      requests,
      plan: planned.plan,
      online: true,
      validation: planned.validation,
      blocking: planned.blocking,
    });
    // Nothing planned (every requested model failed to build) takes no lock and writes nothing.
    const nothingPlanned = planned.plan.models.length === 0;
    if (settings.dryRun || planned.blocking.length > 0 || nothingPlanned) {
      announceWarnings(planned.plan, logger);
      return result();
    }
    // Everything above only read. The lock comes before the first change, and the plan is made
    // again from a catalog read under it: what another deploy changed meanwhile is seen.
    lock = await acquireDeployLock(database.writer(), {
      schema: settings.targetSchema,
      holder: run.lockHolder ?? lockHolderOf(run.env),
      staleAfterMs: settings.staleLockAfterMs,
      logger,
    });
    const locked = await database.reader.catalog();
    const replanned = buildPlan({ ...input, catalog: locked, evidence: planned.evidence });
    planned =
      JSON.stringify(planToJson(replanned)) === JSON.stringify(planToJson(planned.plan))
        ? { ...planned, catalog: locked, plan: replanned }
        : await planAgainst(locked);
    announceWarnings(planned.plan, logger);
    if (planned.blocking.length > 0) return result();
    const writer = database.writer();
    const held = lock;
    const outcome = await executePlan(planned.plan, writer, logger, {
      waitTimeoutMs: settings.waitTimeoutMs,
      pollIntervalMs: run.pollIntervalMs ?? 2_000,
      catalog: planned.catalog,
      stillLocked: () => held.stillHeld(writer),
      maxParallel: settings.maxParallel,
      keepFailedTemps: settings.keepFailedTemps,
      openSession: () => database.openWriter(),
    });
    return { ...result(), outcome };
  } finally {
    await lock?.release(database.writer(), async () =>
      (await openDatabase(settings.databaseUrl, logger)).writer(),
    );
  }
}

/** What templates may know of the connection: `target.database`, `target.user`, … */
function connectionOf(
  settings: Settings,
  env: Record<string, string | undefined>,
): LoadOptions["connection"] {
  const url = settings.databaseUrl;
  if (url) {
    const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
    return {
      database: database || undefined,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      host: url.hostname || undefined,
      port: url.port ? Number(url.port) : undefined,
    };
  }
  if (!env.PGHOST && !env.PGDATABASE) return undefined;
  return {
    database: env.PGDATABASE || undefined,
    user: env.PGUSER || undefined,
    host: env.PGHOST || undefined,
    port: env.PGPORT ? Number(env.PGPORT) : undefined,
  };
}

/** The catalog snapshot as templates ask it (adapter.get_relation, get_columns_in_relation). */
function catalogView(catalog: CatalogSnapshot): DatabaseView {
  return {
    relation: (schema, name) => catalog.find(schema, name),
    columns: (schema, name) => catalog.columnsOf(schema, name),
    relationsIn: (schema) => catalog.relationsIn(new Set([schema])),
  };
}

/** Offline, a model is assumed to exist when it existed at the base revision. */
function offlineExisting(requests: Requests): CatalogSnapshot {
  const base = requests.base;
  if (!base) return assumedCatalog([]);
  return assumedCatalog(
    [...base.models.values()]
      .filter((model) => model.isMaterializedView)
      .map((model) => model.relation),
  );
}

function announceWarnings(plan: Plan, logger: Logger): void {
  for (const entry of plan.models) {
    for (const warning of entry.warnings) logger.warning(warning, { file: entry.file });
  }
}
