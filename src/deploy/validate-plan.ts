import type { Logger } from "../log/logger.js";
import type { Evidence } from "../plan/evidence.js";
import type { Plan } from "../plan/types.js";

export interface ValidationProblem {
  model: string;
  file: string;
  message: string;
}

export interface ValidationResult {
  checked: string[];
  problems: ValidationProblem[];
  /** Rejected, but only against the current version of an upstream this deploy changes first. */
  unchecked: ValidationProblem[];
  /** Validated with a limitation, which says what could not be checked. */
  notes: ValidationProblem[];
}

/**
 * What EXPLAIN CREATE MATERIALIZED VIEW (read by readEvidence, which creates nothing) said about
 * each new definition, sorted into valid, invalid, and not checkable yet, and logged.
 */
export function validatePlan(plan: Plan, evidence: Evidence, logger: Logger): ValidationResult {
  const result: ValidationResult = { checked: [], problems: [], unchecked: [], notes: [] };
  for (const entry of plan.models) {
    const check = evidence.definitions.get(entry.model);
    if (!check) continue;
    const about = { model: entry.model, file: entry.file };
    // Preflight names the missing CREATE privilege and the GRANT that fixes it.
    if (check.cannotCreate && check.error === undefined && !check.limitation) continue;
    if (check.error === undefined) {
      if (check.limitation) {
        result.notes.push({ ...about, message: check.limitation });
        logger.info(`${entry.model}: validated with a limitation: ${check.limitation}.`);
      } else {
        logger.info(`${entry.model}: the new definition is valid (EXPLAIN).`);
      }
      result.checked.push(entry.model);
      continue;
    }
    if (entry.readsPlanned.length > 0) {
      // The database still has the old upstream, so a new column or model it reads is missing
      // today; that is expected, not an error in this model.
      result.unchecked.push({ ...about, message: check.error });
      logger.warning(
        `${entry.model}: could not be validated before ${entry.readsPlanned.join(", ")} ` +
          `(changed by this deploy) exist in their new form: ${check.error}`,
        { file: entry.file },
      );
      continue;
    }
    result.problems.push({ ...about, message: check.error });
    // Annotated, with every other problem found before DDL, by the caller (blockingProblems).
    logger.info(`${entry.model}: RisingWave rejects the new definition: ${check.error}`);
  }
  return result;
}
