import type { Logger } from "../log/logger.js";
import { explainCreateMaterializedView } from "../plan/ddl.js";
import type { Plan } from "../plan/types.js";
import { errorText } from "../risingwave/errors.js";
import type { RisingWaveReader } from "../risingwave/session.js";

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
}

/**
 * Dry run: every new definition is planned by the database with `EXPLAIN CREATE MATERIALIZED
 * VIEW`, which creates nothing. Takes only a reader, so it cannot issue DDL.
 */
export async function validatePlan(
  plan: Plan,
  reader: RisingWaveReader,
  logger: Logger,
): Promise<ValidationResult> {
  const result: ValidationResult = { checked: [], problems: [], unchecked: [] };
  for (const entry of plan.models) {
    if (entry.action === "skip") continue;
    try {
      await reader.explain(explainCreateMaterializedView(entry.temp ?? entry.target, entry.sql));
      result.checked.push(entry.model);
      logger.info(`${entry.model}: the new definition is valid (EXPLAIN).`);
    } catch (error) {
      const message = errorText(error);
      if (entry.readsPlanned.length > 0) {
        // The database still has the old upstream, so a new column or model it reads is missing
        // today; that is expected, not an error in this model.
        result.unchecked.push({ model: entry.model, file: entry.file, message });
        logger.warning(
          `${entry.model}: could not be validated before ${entry.readsPlanned.join(", ")} ` +
            `(changed by this deploy) exist in their new form: ${message}`,
          { file: entry.file },
        );
        continue;
      }
      result.problems.push({ model: entry.model, file: entry.file, message });
      logger.error(`${entry.model}: RisingWave rejects the new definition: ${message}`, {
        file: entry.file,
        title: `Invalid SQL in ${entry.model}`,
      });
    }
  }
  return result;
}
