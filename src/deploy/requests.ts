import { computeChangeSet, listChangedFiles, resolveBaseRevision } from "../changes/index.js";
import type { ChangeSet } from "../changes/types.js";
import { loadProject, selectModels } from "../project/index.js";
import type { DbtProject, LoadOptions } from "../project/types.js";
import type { PlanRequest } from "../plan/build-plan.js";

export interface RequestSource {
  /** The `models` input, if set: an explicit selection instead of the diff. */
  models?: string;
  /** Revision to diff against; required when `models` is not set. */
  baseRevision?: string;
}

export interface Requests {
  requests: PlanRequest[];
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
    const named = new Set(source.models.split(/[,\n]/).map((term) => term.trim()));
    const warnings: string[] = [];
    const requests = selectModels(head, source.models).flatMap((name): PlanRequest[] => {
      const model = head.models.get(name);
      if (model?.isMaterializedView) return [{ model: name, reason: "selected" }];
      // Only a model named outright is worth a word; `all` and `name+` sweep in views and tables.
      if (model && named.has(name)) {
        warnings.push(
          `${model.file}: ${name} is materialized='${model.config.materialized}', not a materialized view; ` +
            "this action only deploys materialized views, so it was left out.",
        );
      }
      return [];
    });
    return { requests, warnings };
  }
  // No base (a schedule, a new branch): resolveBaseRevision says to set `models` or `base-ref`.
  const baseSha = await resolveBaseRevision(load.repoRoot, source.baseRevision ?? "");
  const base = await loadProject({ ...load, revision: baseSha });
  const changedFiles = await listChangedFiles(load.repoRoot, baseSha);
  const changeSet = await computeChangeSet({ base, head, changedFiles });
  const requests = changeSet.changed.map((change): PlanRequest => ({
    model: change.model,
    reason: change.kind === "added" ? "new model" : change.reasons.join("; "),
  }));
  const warnings = [
    ...changeSet.warnings,
    ...changeSet.deleted.map(
      (deleted) =>
        `Model ${deleted.model} (${deleted.file}) was deleted; ${deleted.relation.schema}.${deleted.relation.identifier} ` +
        "is left in place (nothing is dropped automatically). Drop it by hand once nothing reads it.",
    ),
    ...changeSet.renamed.map(
      (renamed) =>
        `Model ${renamed.from} was renamed to ${renamed.to} (${renamed.fromFile} → ${renamed.toFile}); ` +
        `the new name is created and the old MV is left in place (nothing is dropped automatically).`,
    ),
  ];
  return { requests, changeSet, base, warnings };
}
