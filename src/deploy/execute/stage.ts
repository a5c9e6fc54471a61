import { deployedType } from "../../plan/relation-type.js";
import type { DeployedType, PlannedModel, PlanStep } from "../../plan/types.js";
import { WaitStopped } from "../../risingwave/backfill.js";
import type { QualifiedName } from "../../sql/quote.js";
import { runStep, StepFailure, type StepContext } from "./step-runner.js";

const waitsFor = (steps: PlanStep[], relation: QualifiedName) =>
  steps.some(
    (step) =>
      step.kind === "wait-backfill" &&
      step.relation.schema === relation.schema &&
      step.relation.identifier === relation.identifier,
  );

async function recordCreated(
  step: Extract<PlanStep, { kind: "create" }>,
  type: DeployedType,
  context: StepContext,
): Promise<void> {
  try {
    const id = await context.session.idOfType(step.relation, type);
    if (id !== undefined) context.created.record(step.relation, id);
  } catch (error) {
    throw new StepFailure(step, error);
  }
}

export type StagingResult =
  | { ok: true; waited: boolean; durationMs: number }
  | { ok: false; stopped: boolean; waited: boolean; durationMs: number; error?: unknown };

/**
 * Issue 12 item 1: builds one model beside production on its own session: every step before its
 * SWAP, in order. Before each step it asks whether the deploy gave up (another model failed);
 * then it stops where it is, and the caller undoes what it built.
 */
export async function stageModel(
  entry: PlannedModel,
  steps: PlanStep[],
  context: StepContext,
): Promise<StagingResult> {
  const started = Date.now();
  let waited = false;
  let creating = false;
  const elapsed = () => Date.now() - started;
  for (const step of steps) {
    // Between the CREATE and the end of its wait the model does not stop on its own: the wait
    // learns the new MV's id (and stops then), so what it built can be removed by id.
    const stoppable = !creating || waited;
    if (stoppable && context.stopped?.()) {
      return { ok: false, stopped: true, waited, durationMs: elapsed() };
    }
    try {
      await runStep(step, entry.model, context, waited);
      // Nothing to wait for (a view): its id is read right after its CREATE instead.
      if (step.kind === "create" && !waitsFor(steps, step.relation)) {
        await recordCreated(step, deployedType(entry), context);
      }
    } catch (error) {
      const stopped = error instanceof StepFailure && error.original instanceof WaitStopped;
      return stopped
        ? { ok: false, stopped, waited, durationMs: elapsed() }
        : { ok: false, stopped, waited, durationMs: elapsed(), error };
    }
    if (step.kind === "create") creating = true;
    if (step.kind === "wait-backfill") waited = true;
  }
  return { ok: true, waited, durationMs: elapsed() };
}
