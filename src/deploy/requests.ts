import { computeChangeSet, listChangedFiles, resolveBaseRevision } from "../changes/index.js";
import { isDeployable } from "../project/deployable.js";
import type { ChangeSet } from "../changes/types.js";
import { loadProject, type ProjectError, selectModels } from "../project/index.js";
import type { DbtProject, LoadOptions } from "../project/types.js";
import type { PlanRequest } from "../plan/build-plan.js";
import type { PlanFailure } from "../plan/types.js";

export interface RequestSource {
  /** The `models` input, if set: an explicit selection instead of the diff. */
  models?: string;
  /** Revision to diff against; required when `models` is not set. */
  baseRevision?: string;
}

export interface Requests {
  requests: PlanRequest[];
  /** Selected or changed models that cannot be built (they fail their own deploy). */
  failures: PlanFailure[];
  /** Present when the requests came from a diff. */
  changeSet?: ChangeSet;
  base?: DbtProject;
  warnings: string[];
}

/** What the plan is asked to deploy: the explicit selection, or every MV model the change touches. */
export async function collectRequests(
  head: DbtProject,
  source: RequestSource,
  load: Omit<LoadOptions, "revision">,
): Promise<Requests> {
  if (source.models) {
    const named = new Set(
      source.models.split(/[,\n]/).map((term) => term.trim().replace(/\+$/, "")),
    );
    const warnings: string[] = [];
    const failures = [...head.failures.values()]
      .filter(
        (failure) => named.has(failure.name) || (named.has("all") && failure.mayBeMaterializedView),
      )
      .map((failure): PlanFailure => failureOf(failure.name, failure.file, failure.error));
    const selectable = [...named].filter((term) => !head.failures.has(term));
    if (selectable.length === 0) return { requests: [], failures, warnings };
    const requests = selectModels(head, selectable.join(",")).flatMap((name): PlanRequest[] => {
      const model = head.models.get(name);
      if (model && isDeployable(model)) return [{ model: name, reason: "selected" }];
      // Only a model named outright is worth a word; `all` and `name+` sweep in views and tables.
      if (model && named.has(name)) {
        warnings.push(
          `${model.file}: ${name} is materialized='${model.config.materialized}', not a materialized view or view; ` +
            "this action only deploys materialized views and views, so it was left out.",
        );
      }
      return [];
    });
    return { requests, failures, warnings };
  }
  // No base (a schedule, a new branch): resolveBaseRevision says to set `models` or `base-ref`.
  const baseSha = await resolveBaseRevision(load.repoRoot, source.baseRevision ?? "");
  const base = await loadProject({ ...load, revision: baseSha });
  const changedFiles = await listChangedFiles(load.repoRoot, baseSha);
  const changeSet = await computeChangeSet({ base, head, changedFiles });
  const requests = changeSet.changed.map((change): PlanRequest => {
    const previous = base.models.get(change.model);
    return {
      model: change.model,
      reason: change.kind === "added" ? "new model" : change.reasons.join("; "),
      ...(change.metadataOnly ? { metadataOnly: true } : {}),
      ...(previous ? { previous } : {}),
    };
  });
  const warnings = [
    ...changeSet.warnings,
    ...changeSet.deleted.map(
      (deleted) =>
        `Model ${deleted.model} (${deleted.file}) was deleted; the ${deleted.type} ${deleted.relation.schema}.${deleted.relation.identifier} ` +
        "is left in place (nothing is dropped automatically). Drop it by hand once nothing reads it.",
    ),
    ...changeSet.renamed.map(
      (renamed) =>
        `Model ${renamed.from} was renamed to ${renamed.to} (${renamed.fromFile} → ${renamed.toFile}); ` +
        `the new name is created and the old ${renamed.fromType} is left in place (nothing is dropped automatically).`,
    ),
  ];
  const failures = changeSet.failed.map((failure) =>
    failureOf(failure.model, failure.file, failure.error),
  );
  return { requests, failures, changeSet, base, warnings };
}

function failureOf(model: string, file: string, error: ProjectError): PlanFailure {
  return { model, file: error.file || file, line: error.line, message: error.description };
}
