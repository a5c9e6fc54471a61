import type { PlannedModel } from "../../plan/types.js";
import { BackfillError, WaitStopped } from "../../risingwave/backfill.js";
import { errorText, isConnectionLoss } from "../../risingwave/errors.js";
import { StatementTimeoutError } from "../../risingwave/session.js";
import { displayName } from "../../sql/quote.js";
import { NotOursError } from "./created-objects.js";
import { StepFailure } from "./step-runner.js";
import { SwapRefused } from "./swap-guard.js";

/** A statement (not our own backfill wait) failed because the connection went away. */
export function lostConnectionAt(error: unknown): error is StepFailure {
  return (
    error instanceof StepFailure &&
    !(error.original instanceof BackfillError) &&
    !(error.original instanceof WaitStopped) &&
    !(error.original instanceof NotOursError) &&
    !(error.original instanceof SwapRefused) &&
    isConnectionLoss(error.original)
  );
}

/** What a lost connection left of this model, as far as this run can know. */
export function connectionLossNote(
  error: StepFailure,
  entry: PlannedModel,
  swapped: boolean,
): string {
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

/** `create failed: …`: which step, and what RisingWave said. */
export function failureText(error: unknown): string {
  return error instanceof StepFailure
    ? `${error.step.kind} failed: ${error.message}`
    : errorText(error);
}

export const isAlreadyExists = (error: unknown) =>
  /already exists|with name \S+ exists/i.test(errorText(error));
