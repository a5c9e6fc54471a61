import type { RollbackResult } from "../deploy/rollback/run-rollback.js";
import { setOutput } from "../security/outputs.js";
import { displayName } from "../sql/quote.js";

export function setRollbackOutputs(result: RollbackResult): void {
  setOutput(
    "swapped",
    JSON.stringify((result.swapped ?? []).map((unit) => displayName(unit.target))),
  );
  setOutput("cut-over-ms", result.windowMs === undefined ? "" : String(result.windowMs));
}
