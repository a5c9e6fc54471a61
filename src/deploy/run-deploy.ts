import type { Logger } from "../log/logger.js";
import { loadProject } from "../project/index.js";
import type { DbtProject } from "../project/types.js";
import { buildPlan } from "../plan/build-plan.js";
import type { Plan } from "../plan/types.js";
import { assumedCatalog, type CatalogSnapshot } from "../risingwave/catalog.js";
import { openDatabase } from "../risingwave/open.js";
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

/** Deploy mode, end to end: project → requests → catalog → plan → (validate | execute). */
export async function runDeploy(run: DeployRun): Promise<DeployResult> {
  const { settings, logger } = run;
  const load = {
    repoRoot: run.repoRoot,
    projectDir: settings.projectDir,
    targetSchema: settings.targetSchema,
    vars: settings.vars,
    env: projectEnvironment(run.env, settings.envVars),
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
  const now = run.now ?? (await planTime(run.repoRoot, settings.dryRun));
  if (!hasCredentials(settings, run.env)) {
    if (!settings.dryRun) {
      throw new Error(
        "No database credentials: set the `database-url` input (or the PG* environment variables) to deploy.",
      );
    }
    logger.warning(
      "No database credentials (pull requests from forks get no secrets): the plan is rendered offline. " +
        "Whether each MV exists, what reads it, and whether the new SQL is valid could not be checked.",
    );
    const existing = offlineExisting(requests);
    const plan = buildPlan({
      project: head,
      requests: requests.requests,
      catalog: existing,
      options: planOptions,
      now,
    });
    announceWarnings(plan, logger);
    return { head, requests, plan, online: false };
  }

  const database = await openDatabase(settings.databaseUrl, logger);
  try {
    const catalog = await database.reader.catalog();
    const plan = buildPlan({
      project: head,
      requests: requests.requests,
      catalog,
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
  } finally {
    await database.close();
  }
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
