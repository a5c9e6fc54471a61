import type { RollbackResult } from "../deploy/rollback/run-rollback.js";
import { displayName } from "../sql/quote.js";
import { cell, code, text } from "./escape.js";

/** The rollback job summary: which previous versions were (or would be) swapped back in. */
export function renderRollbackReport(result: RollbackResult): string {
  const refused = result.plan.refusals.length > 0;
  const title = refused
    ? "❌ Rollback refused"
    : result.dryRun
      ? "⚠️ Rollback plan"
      : result.errors.length > 0
        ? "❌ Rollback failed"
        : "✅ Rolled back";
  const lines = [`### ${title}`, ""];
  if (result.dryRun && !refused) lines.push("Dry run: no DDL issued.", "");
  if (result.windowMs !== undefined) {
    lines.push(`Cut-over window: ${result.windowMs} ms (first SWAP start to last SWAP end).`, "");
  }
  if (result.plan.units.length > 0) {
    const done = new Set(result.swapped ?? []);
    lines.push(
      "| MV | Previous version | Deployed at | Live id → restored id | Status |",
      "|---|---|---|---|---|",
      ...result.plan.units.map(
        (unit) =>
          `| ${[
            code(displayName(unit.target)),
            code(displayName(unit.temp)),
            unit.deployedAt.toISOString(),
            `${unit.targetId} → ${unit.tempId}`,
            result.dryRun ? "would swap back" : done.has(unit) ? "rolled back" : "not rolled back",
          ]
            .map(cell)
            .join(" | ")} |`,
      ),
      "",
    );
  }
  for (const error of result.errors) lines.push(`- ❌ ${text(error)}`);
  for (const warning of result.plan.warnings) lines.push(`- ⚠️ ${text(warning)}`);
  for (const note of result.notes) lines.push(`- ⚠️ ${text(note)}`);
  return lines.join("\n") + "\n";
}
