import type { KeptTemp } from "../cleanup/drop-unread.js";
import type { PlanAction } from "../plan/types.js";
import type { QualifiedName } from "../sql/quote.js";

export type ModelStatus = "applied" | "failed" | "not-attempted" | "skipped";

export interface ModelOutcome {
  model: string;
  file: string;
  action: PlanAction;
  status: ModelStatus;
  durationMs?: number;
  error?: string;
  /** What state the failure left, e.g. "the original MV is untouched". */
  note?: string;
}

/** The SWAPs of the deploy, run back to back once every model was staged. */
export interface CutOver {
  /** From the start of the first SWAP to the end of the last, in milliseconds. */
  windowMs: number;
  /** How many SWAPs took effect. */
  swaps: number;
}

export interface DeployOutcome {
  models: ModelOutcome[];
  swapped: QualifiedName[];
  created: QualifiedName[];
  preservedTemps: KeptTemp[];
  droppedTemps: QualifiedName[];
  failed: boolean;
  /** Absent when no SWAP ran. */
  cutOver?: CutOver;
  /**
   * Set when staging failed or the cut-over was refused before its first SWAP: nothing was
   * swapped, and why.
   */
  notCutOver?: string;
  /** Temporary MVs of a failed deploy left in place by keep-failed-temps. */
  keptFailedTemps: QualifiedName[];
}
