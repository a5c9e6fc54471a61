import { describeTemps, dropUnreadTemps } from "../cleanup/drop-unread.js";
import { describeReaders } from "../plan/build-plan.js";
import type { Logger } from "../log/logger.js";
import { deployedType, dropStatement } from "../plan/relation-type.js";
import type { Plan, PlannedModel, PlanStep } from "../plan/types.js";
import { BackfillError, waitForBackfill } from "../risingwave/backfill.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { errorText, isConnectionLoss } from "../risingwave/errors.js";
import { StatementTimeoutError, type RisingWaveSession } from "../risingwave/session.js";
import { displayName, quoteQualified, type QualifiedName } from "../sql/quote.js";
import { CreatedObjects, dropIfPermitted, NotOursError } from "./created-objects.js";
import type { DeployOutcome, ModelOutcome } from "./outcome.js";
import { checkBeforeSwap, SwapRefused } from "./swap-guard.js";

export interface ExecuteOptions {
  waitTimeoutMs: number;
  pollIntervalMs: number;
  /** The snapshot the plan was made from: an id in it was not created by this run. */
  catalog: CatalogSnapshot;
  /** Whether this run still holds the deploy lock; checked right before each SWAP. */
  stillLocked?: () => Promise<boolean>;
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
    !(error.original instanceof NotOursError) &&
    !(error.original instanceof SwapRefused) &&
    isConnectionLoss(error.original)
  );
}

function connectionLossNote(error: StepFailure, entry: PlannedModel, swapped: boolean): string {
  const step = error.step.kind;
  const lost =
    error.original instanceof StatementTimeoutError
      ? `${step} got no answer in time and the connection was closed`
      : `the connection was lost during ${step}`;
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

/** Statements that may run as long as a backfill: bounded by wait-timeout, not the short default. */
const LONG_STEPS = new Set<PlanStep["kind"]>(["create", "create-index", "pre-hook", "post-hook"]);

/** Steps that name the MV just waited for, which RisingWave may briefly not find yet (< 3.0). */
const USES_NEW_MV = new Set<PlanStep["kind"]>([
  "create-index",
  "grant",
  "comment",
  "set-owner",
  "swap",
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const isAlreadyExists = (error: unknown) =>
  /already exists|with name \S+ exists/i.test(errorText(error));

/**
 * Runs a plan (DESIGN 2.3 and 2.5): the only code that issues DDL. Fail fast: after a model
 * fails, no new model is started; what each failure left behind is stated in its outcome. A
 * DROP is issued only for what the plan's mayDrop allows, and only while the name has the id it
 * allows (CreatedObjects).
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
  const created = new CreatedObjects(options.catalog);

  const runStep = async (step: PlanStep, entry: PlannedModel, afterWait: boolean) => {
    try {
      if (step.kind === "wait-backfill") {
        await waitForBackfill(
          session,
          {
            relation: step.relation,
            label: entry.model,
            timeoutMs: options.waitTimeoutMs,
            pollIntervalMs: options.pollIntervalMs,
            onId: (id) => created.record(step.relation, id),
          },
          logger,
        );
        return;
      }
      if (step.kind === "swap") {
        await checkBeforeSwap(session, entry, created, options.stillLocked);
      }
      logger.info(`> ${step.sql}`);
      const timeoutMs = LONG_STEPS.has(step.kind) ? options.waitTimeoutMs : undefined;
      for (let retry = 0; ; retry++) {
        try {
          await session.execute(step.sql, { timeoutMs });
          // A view has no backfill to wait for: its id is read right after its CREATE.
          if (step.kind === "create" && deployedType(entry) === "view") {
            const id = await session.idOfType(step.relation, "view");
            if (id !== undefined) created.record(step.relation, id);
          }
          return;
        } catch (error) {
          // Before 3.0 the frontend may learn that the MV is created a moment after meta says so
          // (rw-sql-audit.md 2.4): "not found" right after the wait means "not yet".
          const early =
            afterWait &&
            USES_NEW_MV.has(step.kind) &&
            !session.supports(3, 0) &&
            !isConnectionLoss(error) &&
            /not found/i.test(errorText(error));
          if (!early || retry >= 3) throw error;
          logger.info(`${entry.model}: not visible yet (${errorText(error)}); retrying.`);
          await sleep(options.pollIntervalMs);
        }
      }
    } catch (error) {
      throw new StepFailure(step, error);
    }
  };

  // Full refresh drops leaf-first before anything is created root-first; the plan already
  // refused any drop that something outside the refreshed set depends on, and every definition
  // of the set was validated before this point.
  const refreshDrops = plan.models.flatMap((entry) =>
    entry.steps.filter((step) => step.kind === "drop-for-refresh").map((step) => ({ entry, step })),
  );
  const dropped = new Set<string>();
  for (const { entry, step } of refreshDrops.reverse()) {
    const fail = (error: string, note: string) => {
      outcome.failed = true;
      outcome.models.push({
        model: entry.model,
        file: entry.file,
        action: entry.action,
        status: "failed",
        error,
        note,
      });
    };
    try {
      const result = await dropIfPermitted(
        session,
        step.relation,
        created.permittedIds(entry, step.relation),
        logger,
        deployedType(entry),
      );
      if (result === "refused") {
        fail(
          `${displayName(step.relation)} changed since the plan (another deploy or a colleague replaced it)`,
          "it was not dropped; no further MV was dropped",
        );
        break;
      }
      dropped.add(entry.model);
    } catch (error) {
      fail(errorText(error), "it was not dropped and is unchanged; no further MV was dropped");
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
      () => deployModel(entry, session, logger, runStep, created),
    );
    outcome.models.push(run.outcome);
    if (run.swapped) outcome.swapped.push(entry.target);
    if (run.outcome.status === "failed") {
      outcome.failed = true;
      logger.error(`${entry.model}: ${run.outcome.error} (${run.outcome.note})`, {
        file: entry.file,
        title: `Deploy of ${entry.model} failed`,
      });
    } else if (entry.action === "create" || entry.action === "full-refresh") {
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
      const entry = plan.models.find((model) => model.temp === temp);
      const type = entry ? deployedType(entry) : "materialized view";
      logger.info(`Manual cleanup required: ${dropStatement(temp, type)};`);
      outcome.preservedTemps.push({ relation: temp, readers: [], error: errorText(error) });
    }
  }
  return outcome;
}

async function deployModel(
  entry: PlannedModel,
  session: RisingWaveSession,
  logger: Logger,
  runStep: (step: PlanStep, entry: PlannedModel, afterWait: boolean) => Promise<void>,
  created: CreatedObjects,
): Promise<ModelRun> {
  const started = Date.now();
  const base = { model: entry.model, file: entry.file, action: entry.action };
  if (entry.action === "zero-downtime") {
    logger.info("Using zero downtime rebuild with SWAP for materialized view update.");
  }
  let swapped = false;
  let waited = false;
  try {
    for (const step of entry.steps) {
      if (step.kind === "drop-for-refresh" || step.kind === "cleanup") continue;
      await runStep(step, entry, waited);
      if (step.kind === "swap") swapped = true;
      if (step.kind === "wait-backfill") waited = true;
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
    if (lostConnectionAt(error)) return failed(connectionLossNote(error, entry, swapped));
    const original = error instanceof StepFailure ? error.original : error;
    const removeOurs = async (relation: QualifiedName): Promise<string> => {
      const id = created.idOf(relation);
      if (id === undefined) {
        return isAlreadyExists(original)
          ? `${quoteQualified(relation)} already existed (another deploy, a colleague or dbt made it) and was left alone`
          : "nothing was created";
      }
      try {
        const result = await dropIfPermitted(
          session,
          relation,
          created.permittedIds(entry, relation),
          logger,
          deployedType(entry),
        );
        if (result === "dropped") {
          return `the ${deployedType(entry) === "view" ? "view" : "MV"} this run built (id ${id}) was removed`;
        }
        if (result === "absent") return "nothing of it is left";
        return `${quoteQualified(relation)} is no longer the MV this run built and was left alone`;
      } catch (dropError) {
        logger.warning(`Could not remove ${quoteQualified(relation)}: ${errorText(dropError)}`);
        return `remove ${quoteQualified(relation)} (id ${id}) by hand`;
      }
    };
    if (entry.temp && !swapped) {
      return failed(`the original MV is untouched; ${await removeOurs(entry.temp)}`);
    }
    if (swapped) {
      return failed(
        "swapped: the new version is live, the previous one is kept under the temporary name",
      );
    }
    if (entry.action === "in-place") {
      return failed("the MV itself is unchanged; rerun the deploy to apply what is still missing");
    }
    if (!waited) {
      const removed = await removeOurs(entry.target);
      return failed(
        entry.action === "full-refresh"
          ? `it was dropped for the full refresh and not created again: ${removed}; ${displayName(entry.target)} does not exist now, rerun the deploy`
          : removed,
      );
    }
    return failed(
      "the MV was created; the steps after its creation did not all run (rerun the deploy to complete them)",
    );
  }
}

/**
 * DESIGN 2.3 step 7, run after every model so that rebuilt downstream MVs have let go of the
 * previous upstream versions: immediate cleanup drops a temp only when nothing reads it, and only
 * while it is still the previous version the plan named.
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
    toDrop.map((entry) => ({
      relation: entry.temp as QualifiedName,
      id: entry.targetId,
      type: deployedType(entry),
    })),
    logger,
    (relation, type) => `Immediately cleaning up temporary ${type}: ${quoteQualified(relation)}`,
  );
  outcome.droppedTemps.push(...result.dropped);
  for (const kept of result.kept) {
    if (kept.readers.length > 0) {
      logger.info(
        `Keeping ${quoteQualified(kept.relation)}: still read by ${describeReaders(kept.readers)}.`,
      );
    } else if (kept.note) {
      logger.info(`Keeping ${quoteQualified(kept.relation)}: ${kept.note}.`);
    }
  }
  const preserved = await describeTemps(
    session,
    toKeep.map((entry) => entry.temp as QualifiedName),
  );
  const typeOf = (relation: QualifiedName) => {
    const entry = leafFirst.find(
      (model) =>
        model.temp?.schema === relation.schema && model.temp.identifier === relation.identifier,
    );
    return entry ? deployedType(entry) : "materialized view";
  };
  for (const kept of preserved) {
    logger.info(
      `Preserving temporary ${typeOf(kept.relation)} for downstream dependencies: ${quoteQualified(kept.relation)}`,
    );
  }
  for (const kept of [...result.kept, ...preserved]) {
    logger.info(`Manual cleanup required: ${dropStatement(kept.relation, typeOf(kept.relation))};`);
    outcome.preservedTemps.push(kept);
  }
}
