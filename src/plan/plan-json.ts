import { displayName } from "../sql/quote.js";
import { planWarnings } from "./build-plan.js";
import { deployedType } from "./relation-type.js";
import type { Plan } from "./types.js";

/** The `plan` output (DESIGN 3): field names are a public interface. */
export function planToJson(plan: Plan) {
  return {
    mode: plan.mode,
    dryRun: plan.dryRun,
    models: plan.models.map((model) => ({
      model: model.model,
      file: model.file,
      relation: displayName(model.target),
      relationType: deployedType(model),
      action: model.action,
      reason: model.reason,
      ...(model.temp ? { tempRelation: displayName(model.temp) } : {}),
      immediateCleanup: model.immediateCleanup,
      statements: model.steps.flatMap((step) => ("sql" in step ? [step.sql] : [])),
      readers: model.readers.map((reader) => ({
        relation: `${reader.schema}.${reader.name}`,
        type: reader.type,
      })),
      warnings: model.warnings,
      ...(model.targetId === undefined ? {} : { targetId: model.targetId }),
      carriedOver: model.carriedOver,
      problems: model.problems,
      unchecked: model.unchecked,
      mayDrop: model.mayDrop.map((drop) => ({
        relation: displayName(drop.relation),
        ...(drop.id === undefined ? { createdByThisRun: true } : { id: drop.id }),
        when: drop.when,
      })),
    })),
    failed: plan.failed.map((failure) => ({
      model: failure.model,
      file: failure.file,
      ...(failure.line === undefined ? {} : { line: failure.line }),
      message: failure.message,
    })),
    warnings: planWarnings(plan),
    problems: plan.models.flatMap((model) =>
      model.problems.map((problem) => `${model.model}: ${problem}`),
    ),
  };
}
