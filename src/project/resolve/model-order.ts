import { ProjectError } from "../errors.js";
import { refLine } from "../files/text-position.js";
import type { ModelFailure, SeedNode } from "../types.js";
import { closeMatches } from "./close-matches.js";
import { RefCycleError, topologicalOrder } from "./graph.js";
import type { ParsedModel } from "./model-parse.js";
import type { ResolvedModel } from "./resolve.js";

/**
 * Checks every ref and orders the models, upstream first. A model with an unknown ref, or that
 * depends on a model that failed, fails too (it could not be built); the rest are ordered.
 */
export function orderModels(
  models: Map<string, ResolvedModel>,
  seeds: Map<string, SeedNode>,
  parsed: Map<string, ParsedModel>,
  failures: Map<string, ModelFailure>,
  seedFailures: Map<string, ProjectError>,
): string[] {
  const fail = (model: ResolvedModel, error: ProjectError) => {
    failures.set(model.name, { name: model.name, file: model.file, error });
    models.delete(model.name);
  };
  for (const model of [...models.values()]) {
    for (const ref of model.refNames) {
      if (models.has(ref) || seeds.has(ref) || failures.has(ref)) continue;
      const line = refLine(model.rawSql, ref);
      const seedFailure = seedFailures.get(ref);
      if (seedFailure) {
        fail(
          model,
          new ProjectError(
            `model ${model.name} refs seed ${ref}, which cannot be loaded: ${seedFailure.description}`,
            { file: model.file, line },
          ),
        );
      } else if (parsed.has(ref)) {
        fail(
          model,
          new ProjectError(
            `model ${model.name} refs model ${ref}, which is disabled.`,
            { file: model.file, line },
            `Enable ${ref} or remove the ref.`,
          ),
        );
      } else {
        fail(
          model,
          new ProjectError(
            `model ${model.name} refs unknown model '${ref}'.`,
            { file: model.file, line },
            suggestion(ref, [...models.keys(), ...seeds.keys()]),
          ),
        );
      }
      break;
    }
  }
  for (;;) {
    propagateFailures(models, failures, fail);
    const refsOf = new Map<string, string[]>();
    for (const model of models.values())
      refsOf.set(
        model.name,
        model.refNames.filter((ref) => models.has(ref)),
      );
    try {
      return topologicalOrder(refsOf);
    } catch (error) {
      if (!(error instanceof RefCycleError)) throw error;
      const cycle = error.cycle;
      for (const name of new Set(cycle)) {
        const model = models.get(name)!;
        const next = cycle[cycle.indexOf(name) + 1];
        fail(
          model,
          new ProjectError(
            `models form a ref cycle: ${cycle.join(" → ")}.`,
            {
              file: model.file,
              line: next === undefined ? undefined : refLine(model.rawSql, next),
            },
            "Remove one of these refs: dbt needs the models to form a DAG.",
          ),
        );
      }
    }
  }
}

/** A model downstream of a failed one cannot be built either. */
function propagateFailures(
  models: Map<string, ResolvedModel>,
  failures: Map<string, ModelFailure>,
  fail: (model: ResolvedModel, error: ProjectError) => void,
): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const model of [...models.values()]) {
      const upstream = model.refNames.find((ref) => failures.has(ref));
      if (upstream === undefined) continue;
      fail(
        model,
        new ProjectError(
          `model ${model.name} depends on ${upstream}, which cannot be built (${failures.get(upstream)!.file}).`,
          { file: model.file, line: refLine(model.rawSql, upstream) },
        ),
      );
      changed = true;
    }
  }
}

function suggestion(name: string, candidates: string[]): string {
  const close = closeMatches(name, candidates);
  return close.length > 0
    ? `Did you mean ${close.map((c) => `'${c}'`).join(" or ")}?`
    : "Check the model name (the file name without .sql); models of dbt packages are not loaded.";
}
