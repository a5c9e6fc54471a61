import type { Plan, PlanIssue } from "../plan/types.js";
import type { ValidationResult } from "./validate-plan.js";

/**
 * Everything found before any DDL that would make the deploy fail part-way, one issue each, with
 * the model's file: invalid SQL, preflight problems, and (issue 11 item 2) a full refresh of a
 * model whose new definition could not be validated, since a full refresh drops before it creates.
 */
export function blockingProblems(
  plan: Plan,
  validation: ValidationResult | undefined,
): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const entry of plan.models) {
    const invalid = validation?.problems.find((problem) => problem.model === entry.model);
    if (invalid) {
      issues.push({
        file: entry.file,
        message: `${entry.model}: RisingWave rejects the new definition: ${invalid.message}`,
      });
    }
    const unchecked = validation?.unchecked.find((problem) => problem.model === entry.model);
    if (unchecked && plan.models.some((model) => model.action === "full-refresh")) {
      issues.push({
        file: entry.file,
        message:
          `${entry.model}: full refresh refused before any DROP: its new definition could not be ` +
          `validated before ${entry.readsPlanned.join(", ")} exist in their new form (${unchecked.message}), ` +
          "and a full refresh drops every MV of the set before it creates any. Deploy without " +
          "full-refresh (a zero-downtime rebuild validates each new version before it goes live).",
      });
    }
    for (const problem of entry.problems) {
      issues.push({ file: entry.file, message: `${entry.model}: ${problem}` });
    }
  }
  return issues;
}
