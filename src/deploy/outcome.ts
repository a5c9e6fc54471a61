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

export interface DeployOutcome {
  models: ModelOutcome[];
  swapped: QualifiedName[];
  created: QualifiedName[];
  preservedTemps: KeptTemp[];
  droppedTemps: QualifiedName[];
  failed: boolean;
}
