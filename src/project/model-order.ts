import { closeMatches } from "./close-matches.js";
import { ProjectError, throwCollected } from "./errors.js";
import { RefCycleError, topologicalOrder } from "./graph.js";
import { type ParsedModel, refLine } from "./model-parse.js";
import type { ResolvedModel } from "./resolve.js";
import type { SeedNode } from "./types.js";

/** Checks every ref and orders the models, upstream first. */
export function orderModels(
  models: Map<string, ResolvedModel>,
  seeds: Map<string, SeedNode>,
  parsed: Map<string, ParsedModel>,
): string[] {
  const errors: ProjectError[] = [];
  const refsOf = new Map<string, string[]>();
  for (const model of models.values()) {
    for (const ref of model.refNames) {
      if (models.has(ref) || seeds.has(ref)) continue;
      const disabled = parsed.has(ref);
      errors.push(
        new ProjectError(
          disabled
            ? `model ${model.name} refs model ${ref}, which is disabled.`
            : `model ${model.name} refs unknown model '${ref}'.`,
          { file: model.file, line: refLine(model.rawSql, ref) },
          disabled
            ? `Enable ${ref} or remove the ref.`
            : suggestion(ref, [...models.keys(), ...seeds.keys()]),
        ),
      );
    }
    refsOf.set(
      model.name,
      model.refNames.filter((ref) => models.has(ref)),
    );
  }
  throwCollected(errors);
  try {
    return topologicalOrder(refsOf);
  } catch (error) {
    if (!(error instanceof RefCycleError)) throw error;
    const [first, second] = error.cycle;
    const model = models.get(first!)!;
    throw new ProjectError(
      `models form a ref cycle: ${error.cycle.join(" → ")}.`,
      { file: model.file, line: second === undefined ? undefined : refLine(model.rawSql, second) },
      "Remove one of these refs: dbt needs the models to form a DAG.",
    );
  }
}

function suggestion(name: string, candidates: string[]): string {
  const close = closeMatches(name, candidates);
  return close.length > 0
    ? `Did you mean ${close.map((c) => `'${c}'`).join(" or ")}?`
    : "Check the model name (the file name without .sql); refs to dbt packages are not supported.";
}
