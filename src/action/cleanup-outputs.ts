import { setOutput } from "../security/outputs.js";
import type { CleanupResult } from "../cleanup/run-cleanup.js";
import { displayName } from "../sql/quote.js";

export function setCleanupOutputs(result: CleanupResult): void {
  setOutput(
    "dropped-temp-mvs",
    JSON.stringify(result.dryRun ? [] : result.dropped.map((temp) => displayName(temp.relation))),
  );
  setOutput(
    "preserved-temp-mvs",
    JSON.stringify(
      [
        ...result.kept.map((entry) => entry.relation),
        ...result.young.map((temp) => temp.relation),
      ].map(displayName),
    ),
  );
}
