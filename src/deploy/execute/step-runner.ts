import type { Logger } from "../../log/logger.js";
import type { PlanStep } from "../../plan/types.js";
import { waitForBackfill } from "../../risingwave/backfill.js";
import { errorText, isConnectionLoss } from "../../risingwave/errors.js";
import type { RisingWaveSession } from "../../risingwave/session.js";
import type { CreatedObjects } from "./created-objects.js";

/** A step failed; `original` is what the session or the wait threw. */
export class StepFailure extends Error {
  constructor(
    readonly step: PlanStep,
    readonly original: unknown,
  ) {
    super(errorText(original));
  }
}

export interface StepContext {
  session: RisingWaveSession;
  created: CreatedObjects;
  logger: Logger;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  /** True once the deploy gave up (another model failed): a backfill wait then ends early. */
  stopped?: () => boolean;
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

/**
 * Runs one step on the context's session: a statement, or the backfill wait (which records the
 * new MV's id as this run's). `afterWait`: the model's wait has returned, so a "not found" of
 * the new MV right after it means "not yet" on RisingWave before 3.0 (rw-sql-audit.md 2.4).
 */
export async function runStep(
  step: PlanStep,
  label: string,
  context: StepContext,
  afterWait: boolean,
): Promise<void> {
  const { session, logger } = context;
  try {
    if (step.kind === "wait-backfill") {
      await waitForBackfill(
        session,
        {
          relation: step.relation,
          label,
          timeoutMs: context.waitTimeoutMs,
          pollIntervalMs: context.pollIntervalMs,
          onId: (id) => context.created.record(step.relation, id),
          shouldStop: context.stopped,
        },
        logger,
      );
      return;
    }
    logger.info(`> ${step.sql}`);
    const timeoutMs = LONG_STEPS.has(step.kind) ? context.waitTimeoutMs : undefined;
    for (let retry = 0; ; retry++) {
      try {
        await session.execute(step.sql, { timeoutMs });
        return;
      } catch (error) {
        const early =
          afterWait &&
          USES_NEW_MV.has(step.kind) &&
          !session.supports(3, 0) &&
          !isConnectionLoss(error) &&
          /not found/i.test(errorText(error));
        if (!early || retry >= 3) throw error;
        logger.info(`${label}: not visible yet (${errorText(error)}); retrying.`);
        await sleep(context.pollIntervalMs);
      }
    }
  } catch (error) {
    throw new StepFailure(step, error);
  }
}
