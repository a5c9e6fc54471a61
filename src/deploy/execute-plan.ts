import { describeTemps, dropUnreadTemps } from "../cleanup/drop-unread.js";
import { describeReaders } from "../plan/build-plan.js";
import type { Logger } from "../log/logger.js";
import { dropMaterializedView } from "../plan/ddl.js";
import type { Plan, PlannedModel, PlanStep } from "../plan/types.js";
import { BackfillError, waitForBackfill } from "../risingwave/backfill.js";
import { errorText, isConnectionLoss } from "../risingwave/errors.js";
import type { RisingWaveSession } from "../risingwave/session.js";
import { displayName, quoteQualified, type QualifiedName } from "../sql/quote.js";
import type { DeployOutcome, ModelOutcome } from "./outcome.js";

export interface ExecuteOptions {
  waitTimeoutMs: number;
  pollIntervalMs: number;
}

class StepFailure extends Error {
  constructor(
    readonly step: PlanStep,
    readonly original: unknown,
  ) {
    super(errorText(original));
  }
}

/** A statement (not our own backfill wait) failed because the connection went away. */
function lostConnectionAt(error: unknown): error is StepFailure {
  return (
    error instanceof StepFailure &&
    !(error.original instanceof BackfillError) &&
    isConnectionLoss(error.original)
  );
}

function connectionLossNote(entry: PlannedModel, step: PlanStep["kind"], swapped: boolean): string {
  const lost = `the connection was lost during ${step}`;
  const target = displayName(entry.target);
  if (!entry.temp) return `${lost}: ${target} may or may not have been created; rerun the deploy`;
  const sweep =
    "the next cleanup sweep (mode: cleanup) removes the temporary MV once nothing reads it";
  if (swapped) return `${lost}: the new version is live; ${sweep}`;
  if (step === "swap") {
    return `${lost}: ${target} serves a complete MV, either the previous or the new version (rerun the deploy to be sure); ${sweep}`;
  }
  return `${lost}: ${target} is untouched; ${sweep}`;
}

interface ModelRun {
  outcome: ModelOutcome;
  /** The new version carries the name, whatever happened after. */
  swapped: boolean;
}

/**
 * Runs a plan (DESIGN 2.3 and 2.5): the only code that issues DDL. Fail fast: after a model
 * fails, no new model is started; what each failure left behind is stated in its outcome.
 */
export async function executePlan(
  plan: Plan,
  session: RisingWaveSession,
  logger: Logger,
  options: ExecuteOptions,
): Promise<DeployOutcome> {
  const outcome: DeployOutcome = {
    models: [],
    swapped: [],
    created: [],
    preservedTemps: [],
    droppedTemps: [],
    failed: false,
  };

  const runStep = async (step: PlanStep, entry: PlannedModel) => {
    try {
      if (step.kind === "wait-backfill") {
        await waitForBackfill(
          session,
          {
            relation: step.relation,
            label: entry.model,
            timeoutMs: options.waitTimeoutMs,
            pollIntervalMs: options.pollIntervalMs,
          },
          logger,
        );
      } else {
        logger.info(`> ${step.sql}`);
        await session.execute(step.sql);
      }
    } catch (error) {
      throw new StepFailure(step, error);
    }
  };

  // Full refresh drops leaf-first before anything is created root-first; the plan already
  // refused any drop that something outside the refreshed set depends on.
  const refreshDrops = plan.models.flatMap((entry) =>
    entry.steps.filter((step) => step.kind === "drop-for-refresh").map((step) => ({ entry, step })),
  );
  const dropped = new Set<string>();
  for (const { entry, step } of refreshDrops.reverse()) {
    try {
      await runStep(step, entry);
      dropped.add(entry.model);
    } catch (error) {
      outcome.failed = true;
      outcome.models.push({
        model: entry.model,
        file: entry.file,
        action: entry.action,
        status: "failed",
        error: errorText(error),
        note: "it was not dropped and is unchanged; no further MV was dropped",
      });
      break;
    }
  }

  for (const entry of plan.models) {
    if (entry.action === "skip") {
      outcome.models.push({
        model: entry.model,
        file: entry.file,
        action: entry.action,
        status: "skipped",
      });
      continue;
    }
    // Even after a failure, an MV this run already dropped for a full refresh is created again:
    // leaving its name empty is the one thing never to do.
    const mustRecreate = entry.action === "full-refresh" && dropped.has(entry.model);
    if (outcome.failed && !mustRecreate) {
      if (!outcome.models.some((done) => done.model === entry.model)) {
        outcome.models.push({
          model: entry.model,
          file: entry.file,
          action: entry.action,
          status: "not-attempted",
        });
      }
      continue;
    }
    const run = await logger.group(
      `${entry.model}: ${entry.action} ${displayName(entry.target)}`,
      () => deployModel(entry, session, logger, runStep),
    );
    outcome.models.push(run.outcome);
    if (run.swapped) outcome.swapped.push(entry.target);
    if (run.outcome.status === "failed") {
      outcome.failed = true;
      logger.error(`${entry.model}: ${run.outcome.error} (${run.outcome.note})`, {
        file: entry.file,
        title: `Deploy of ${entry.model} failed`,
      });
    } else if (entry.action !== "zero-downtime") {
      outcome.created.push(entry.target);
    }
  }

  try {
    await releaseTemps(plan, outcome, session, logger);
  } catch (error) {
    // DESIGN 2.5: a failed cleanup never fails the deploy; what is left is reported.
    const left = plan.models.flatMap((entry) =>
      entry.temp && outcome.swapped.includes(entry.target) ? [entry.temp] : [],
    );
    const unreported = left.filter(
      (temp) =>
        !outcome.droppedTemps.includes(temp) &&
        !outcome.preservedTemps.some((kept) => kept.relation === temp),
    );
    logger.warning(`Cleanup of temporary MVs failed: ${errorText(error)}`);
    for (const temp of unreported) {
      logger.info(`Manual cleanup required: ${dropMaterializedView(temp)};`);
      outcome.preservedTemps.push({ relation: temp, readers: [], error: errorText(error) });
    }
  }
  return outcome;
}

async function deployModel(
  entry: PlannedModel,
  session: RisingWaveSession,
  logger: Logger,
  runStep: (step: PlanStep, entry: PlannedModel) => Promise<void>,
): Promise<ModelRun> {
  const started = Date.now();
  const base = { model: entry.model, file: entry.file, action: entry.action };
  if (entry.action === "zero-downtime") {
    logger.info("Using zero downtime rebuild with SWAP for materialized view update.");
  }
  let swapped = false;
  let created = false;
  try {
    for (const step of entry.steps) {
      if (step.kind === "drop-for-refresh" || step.kind === "cleanup") continue;
      await runStep(step, entry);
      if (step.kind === "swap") swapped = true;
      if (step.kind === "wait-backfill") created = true;
    }
    return { swapped, outcome: { ...base, status: "applied", durationMs: Date.now() - started } };
  } catch (error) {
    const failed = (note: string): ModelRun => ({
      swapped,
      outcome: {
        ...base,
        status: "failed",
        durationMs: Date.now() - started,
        error:
          error instanceof StepFailure
            ? `${error.step.kind} failed: ${error.message}`
            : errorText(error),
        note,
      },
    });
    if (lostConnectionAt(error)) return failed(connectionLossNote(entry, error.step.kind, swapped));
    if (entry.temp && !swapped) {
      const removed = await removeQuietly(session, entry.temp, logger);
      return failed(
        `the original MV is untouched; ${removed ? "the temporary MV was removed" : `remove ${quoteQualified(entry.temp)} by hand`}`,
      );
    }
    if (swapped) {
      return failed(
        "swapped: the new version is live, the previous one is kept under the temporary name",
      );
    }
    if (!created) {
      const removed = await removeQuietly(session, entry.target, logger);
      return failed(
        removed
          ? "nothing of the new MV was left behind"
          : `remove ${quoteQualified(entry.target)} by hand`,
      );
    }
    return failed("the MV was created; the steps after its creation did not all run");
  }
}

/** After a failure, removes what this run created under a name nobody else uses yet. */
async function removeQuietly(
  session: RisingWaveSession,
  relation: QualifiedName,
  logger: Logger,
): Promise<boolean> {
  const sql = dropMaterializedView(relation);
  logger.info(`> ${sql}`);
  try {
    await session.execute(sql);
    return true;
  } catch (error) {
    logger.warning(`Could not remove ${quoteQualified(relation)}: ${errorText(error)}`);
    return false;
  }
}

/**
 * DESIGN 2.3 step 7, run after every model so that rebuilt downstream MVs have let go of the
 * previous upstream versions: immediate cleanup drops a temp only when nothing reads it.
 */
async function releaseTemps(
  plan: Plan,
  outcome: DeployOutcome,
  session: RisingWaveSession,
  logger: Logger,
): Promise<void> {
  const isSwapped = (entry: PlannedModel) =>
    outcome.swapped.some(
      (target) =>
        target.schema === entry.target.schema && target.identifier === entry.target.identifier,
    );
  const applied = (entry: PlannedModel) =>
    outcome.models.find((model) => model.model === entry.model)?.status === "applied";
  const leafFirst = plan.models.filter((entry) => entry.temp && isSwapped(entry)).reverse();
  const toDrop = leafFirst.filter((entry) => entry.immediateCleanup && applied(entry));
  const toKeep = leafFirst.filter((entry) => !toDrop.includes(entry));

  const result = await dropUnreadTemps(
    session,
    toDrop.map((entry) => entry.temp as QualifiedName),
    logger,
    (relation) =>
      `Immediately cleaning up temporary materialized view: ${quoteQualified(relation)}`,
  );
  outcome.droppedTemps.push(...result.dropped);
  for (const kept of result.kept) {
    if (kept.readers.length > 0) {
      logger.info(
        `Keeping ${quoteQualified(kept.relation)}: still read by ${describeReaders(kept.readers)}.`,
      );
    }
  }
  const preserved = await describeTemps(
    session,
    toKeep.map((entry) => entry.temp as QualifiedName),
  );
  for (const kept of preserved) {
    logger.info(
      `Preserving temporary materialized view for downstream dependencies: ${quoteQualified(kept.relation)}`,
    );
  }
  for (const kept of [...result.kept, ...preserved]) {
    logger.info(`Manual cleanup required: ${dropMaterializedView(kept.relation)};`);
    outcome.preservedTemps.push(kept);
  }
}
