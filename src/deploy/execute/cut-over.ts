import { performance } from "node:perf_hooks";
import type { Logger } from "../../log/logger.js";
import type { DeployedType } from "../../plan/types.js";
import type { QualifiedName } from "../../sql/quote.js";
import type { SwapStep } from "./phases.js";
import { runStep, StepFailure, type StepContext } from "./step-runner.js";
import { checkIds, checkStillLocked, SwapRefused } from "./swap-guard.js";

/** One model's SWAPs, and the ids its two names must have right before them. */
export interface CutOverUnit {
  model: string;
  target: QualifiedName;
  /** The id the live name had when the plan was made. */
  targetId?: number;
  temp: QualifiedName;
  /** The id of the version to swap in (undefined: unknown, which refuses the cut-over). */
  tempId?: number;
  swaps: SwapStep[];
  /** What the two names hold: both are looked up as this kind. */
  type: DeployedType;
}

export type CutOverResult =
  /** A guard refused before the first SWAP: nothing was swapped. */
  | { kind: "refused"; unit?: CutOverUnit; error: SwapRefused }
  | {
      kind: "done" | "broken";
      swapped: CutOverUnit[];
      windowMs: number;
      /** The SWAP that failed (broken): the ones after it were not run. */
      failure?: { unit: CutOverUnit; error: StepFailure };
    };

/**
 * Issue 12 items 2 and 4: every target still has the id the plan replaces and every version to
 * swap in the id expected, and the lock is still this run's, checked for all before the first
 * SWAP; then the SWAPs run back to back, upstream first, on one session, nothing between them.
 * The window is measured from the start of the first SWAP to the end of the last. Deploys and
 * rollbacks both cut over here.
 */
export async function cutOver(
  units: CutOverUnit[],
  context: StepContext,
  stillLocked: (() => Promise<boolean>) | undefined,
  logger: Logger,
): Promise<CutOverResult> {
  for (const unit of units) {
    try {
      await checkIds(context.session, unit);
    } catch (error) {
      if (error instanceof SwapRefused) return { kind: "refused", unit, error };
      throw error;
    }
  }
  try {
    await checkStillLocked(stillLocked);
  } catch (error) {
    if (error instanceof SwapRefused) return { kind: "refused", error };
    throw error;
  }
  const swapped: CutOverUnit[] = [];
  const started = performance.now();
  const windowMs = () => Math.round((performance.now() - started) * 10) / 10;
  for (const unit of units) {
    try {
      for (const step of unit.swaps) await runStep(step, unit.model, context, true);
    } catch (error) {
      const failure =
        error instanceof StepFailure ? error : new StepFailure(unit.swaps[0] as SwapStep, error);
      return { kind: "broken", swapped, windowMs: windowMs(), failure: { unit, error: failure } };
    }
    swapped.push(unit);
  }
  const window = windowMs();
  logger.info(
    `Cut-over: ${swapped.length} SWAP${swapped.length === 1 ? "" : "s"} in ${window} ms (first SWAP start to last SWAP end).`,
  );
  return { kind: "done", swapped, windowMs: window };
}
