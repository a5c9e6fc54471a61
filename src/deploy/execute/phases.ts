import type { PlannedModel, PlanStep } from "../../plan/types.js";

export type SwapStep = Extract<PlanStep, { kind: "swap" }>;

/** One model's steps by the phase of the deploy that runs them. */
export interface ModelPhases {
  /** Built beside production, on the model's own session, before any SWAP. */
  stage: PlanStep[];
  /** Run back to back with every other model's, once every model is staged. */
  swaps: SwapStep[];
  /** Index names handed over to the new version, after every SWAP. */
  handOffs: PlanStep[];
  /** After the hand-offs, when every new version carries its name. */
  postHooks: PlanStep[];
}

/** Run by the executor at their own moment: the refresh drops before anything, cleanup after all. */
const OWN_MOMENT = new Set<PlanStep["kind"]>(["drop-for-refresh", "cleanup"]);

/**
 * Pure, issue 12 items 1 and 2: whatever kinds a model's steps are, those before its SWAP are
 * staging (session settings, pre-hooks, the CREATE and its wait, indexes, grants, comments,
 * carried-over items); the SWAP is the cut-over; the index renames after it are hand-offs; its
 * post-hooks run last, so a post-hook sees every model's new version under the real names.
 */
export function phasesOf(entry: PlannedModel): ModelPhases {
  const phases: ModelPhases = { stage: [], swaps: [], handOffs: [], postHooks: [] };
  for (const step of entry.steps) {
    if (OWN_MOMENT.has(step.kind)) continue;
    if (step.kind === "swap") phases.swaps.push(step);
    else if (step.kind === "rename-index") phases.handOffs.push(step);
    else if (step.kind === "post-hook") phases.postHooks.push(step);
    else if (phases.swaps.length === 0) phases.stage.push(step);
    else phases.handOffs.push(step);
  }
  return phases;
}
