import type { Logger } from "../log/logger.js";
import { randomUUID } from "node:crypto";
import { type DatabaseView, loadProject } from "../project/index.js";
import type { DbtProject, LoadOptions } from "../project/types.js";
import { buildPlan } from "../plan/build-plan.js";
import type { Plan } from "../plan/types.js";
import { assumedCatalog, type CatalogSnapshot } from "../risingwave/catalog.js";
import { type OpenDatabase, openDatabase } from "../risingwave/open.js";
import { projectEnvironment } from "../security/project-env.js";
import type { Settings } from "../settings/settings.js";
import { collectRequests, type Requests } from "./requests.js";
import { executePlan } from "./execute-plan.js";
import { planTime } from "./plan-clock.js";
import type { DeployOutcome } from "./outcome.js";
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
}

export interface DeployResult {
  head: DbtProject;
  requests: Requests;
  plan: Plan;
  /** False when no database credentials were given: the plan was made offline. */
  online: boolean;
  /** Dry run: what EXPLAIN said about each new definition. */
  validation?: ValidationResult;
  /** Not a dry run: what was done. */
  outcome?: DeployOutcome;
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
    return await deployWith(run, database, catalog);
  } finally {
    await database?.close();
  }
}

async function deployWith(
  run: DeployRun,
  database: OpenDatabase | undefined,
  liveCatalog: CatalogSnapshot | undefined,
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
    ...(liveCatalog ? { database: catalogView(liveCatalog) } : {}),
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
  if (!database || !liveCatalog) {
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
    return { head, requests, plan, online: false };
  }

  const plan = buildPlan({
    project: head,
    requests: requests.requests,
    failures: requests.failures,
    catalog: liveCatalog,
    options: planOptions,
    now,
  });
  announceWarnings(plan, logger);
  if (settings.dryRun) {
    const validation = await validatePlan(plan, database.reader, logger);
    return { head, requests, plan, online: true, validation };
  }
  const outcome = await executePlan(plan, database.writer(), logger, {
    waitTimeoutMs: settings.waitTimeoutMs,
    pollIntervalMs: run.pollIntervalMs ?? 2_000,
  });
  return { head, requests, plan, online: true, outcome };
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
