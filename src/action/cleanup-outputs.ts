import * as core from "@actions/core";
import type { CleanupResult } from "../cleanup/run-cleanup.js";
import { displayName } from "../sql/quote.js";

export function setCleanupOutputs(result: CleanupResult): void {
  core.setOutput(
    "dropped-temp-mvs",
    JSON.stringify(result.dryRun ? [] : result.dropped.map((temp) => displayName(temp.relation))),
  );
  core.setOutput(
    "preserved-temp-mvs",
    JSON.stringify(
      [
        ...result.kept.map((entry) => entry.relation),
        ...result.young.map((temp) => temp.relation),
      ].map(displayName),
    ),
  );
}
