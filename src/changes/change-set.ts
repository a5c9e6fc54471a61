import { ProjectError, renderRelation } from "../project/index.js";
import { isDeployable } from "../project/deployable.js";
import type { DbtProject, ModelNode } from "../project/types.js";
import { isMetadataOnly, modelDifferences } from "./model-diff.js";
import { normaliseSql } from "./sql-normalise.js";
import type { DeployedType } from "../plan/types.js";
import type { ChangeSet, ModelChange } from "./types.js";

/**
 * The MV models whose deployment differs between two revisions, whatever file caused it. Models
 * are compared by rendering both revisions; `changedFiles` (repo-relative) only narrows which
 * models are compared, and only when every change is to model SQL files.
 */
export function computeChangeSet(opts: {
  base: DbtProject;
  head: DbtProject;
  changedFiles?: string[];
}): ChangeSet {
  const { base, head } = opts;
  const compared = opts.changedFiles && modelsToCompare(base, head, opts.changedFiles);
  const added = deployableModels(head).filter((model) => !base.models.has(model.name));
  const deleted = deployableModels(base).filter((model) => !head.models.has(model.name));
  const renames = pairRenames(deleted, added);
  const warnings: string[] = [];
  const changed: ModelChange[] = [];
  const failed: ChangeSet["failed"] = brokenAtHead(base, head);

  for (const after of deployableModels(head)) {
    const renamedFrom = renames.get(after.name);
    const before = base.models.get(after.name) ?? renamedFrom;
    if (!before) {
      changed.push({ model: after.name, kind: "added", reasons: ["new model"] });
    } else if (
      renamedFrom &&
      renderRelation(renamedFrom.relation) !== renderRelation(after.relation)
    ) {
      changed.push({
        model: after.name,
        kind: "added",
        reasons: [`renamed from ${renamedFrom.name}`],
        baseSql: renamedFrom.sql,
      });
    } else if (renamedFrom || !compared || compared.has(after.name)) {
      let reasons: string[];
      try {
        reasons = differences(before, after);
      } catch (error) {
        if (!(error instanceof ProjectError)) throw error;
        if (!sameFailure(before, error))
          failed.push({ model: after.name, file: after.file, error });
        continue;
      }
      if (reasons.length > 0) {
        changed.push({
          model: after.name,
          kind: "modified",
          reasons,
          ...(isMetadataOnly(reasons) ? { metadataOnly: true } : {}),
          baseSql: renderedSql(before),
        });
      }
      const moved = reasons.some((reason) => reason.startsWith("relation changed"));
      if (moved && before.isMaterializedView && after.isMaterializedView) {
        warnings.push(
          `${after.file}: ${after.name} now builds ${renderRelation(after.relation)}; the materialized ` +
            `view ${renderRelation(before.relation)} is left in place. ${dropAdvice(before)}`,
        );
      }
    }
    if (after.config.materialized === "materializedview" && changed.at(-1)?.model === after.name) {
      warnings.push(...after.warnings);
    }
  }

  for (const before of mvModels(base)) {
    const after = head.models.get(before.name);
    if (after && !after.isMaterializedView) {
      warnings.push(
        `${after.file}: ${after.name} is no longer a materialized view (now ${after.config.materialized}); ` +
          `this action does not build it, and the materialized view ${renderRelation(before.relation)} ` +
          "is left in place.",
      );
    }
  }
  const renamedAway = new Set([...renames.values()].map((model) => model.name));
  const gone = deleted.filter((model) => !renamedAway.has(model.name));
  return {
    changed,
    failed,
    deleted: gone.map((model) => ({
      model: model.name,
      file: model.file,
      relation: model.relation,
      type: typeOf(model),
    })),
    renamed: [...renames].map(([to, from]) => ({
      from: from.name,
      to,
      fromFile: from.file,
      toFile: head.models.get(to)!.file,
      fromType: typeOf(from),
    })),
    warnings,
  };
}

/**
 * The SQL and config differences; when the base revision cannot be rendered but the head can, the
 * model changed (it is fixed now). A head that cannot be rendered throws.
 */
function differences(before: ModelNode, after: ModelNode): string[] {
  void after.sql;
  void after.hookSql;
  try {
    return modelDifferences(before, after);
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    return ["could not be rendered at the base revision"];
  }
}

/** The SQL a revision renders, or undefined when it cannot render there. */
function renderedSql(model: ModelNode): string | undefined {
  try {
    return model.sql;
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    return undefined;
  }
}

/** Whether the base revision of a model fails to render with the same error (nothing changed). */
function sameFailure(before: ModelNode, error: ProjectError): boolean {
  try {
    void before.sql;
    void before.hookSql;
    return false;
  } catch (earlier) {
    return earlier instanceof ProjectError && earlier.message === error.message;
  }
}

/**
 * Models that cannot be loaded at head, when the change touches them: new or newly broken ones, and
 * broken ones whose file or inputs changed. One broken the same way at both revisions is left out.
 */
function brokenAtHead(base: DbtProject, head: DbtProject): ChangeSet["failed"] {
  const out: ChangeSet["failed"] = [];
  for (const failure of head.failures.values()) {
    if (!failure.mayBeMaterializedView) continue;
    const earlier = base.failures.get(failure.name);
    if (earlier && earlier.error.message === failure.error.message) continue;
    out.push({ model: failure.name, file: failure.file, error: failure.error });
  }
  return out;
}

/** MV and view models: what this action deploys (a view is swapped like an MV, issue 12). */
function deployableModels(project: DbtProject): ModelNode[] {
  return project.order.map((name) => project.models.get(name)!).filter(isDeployable);
}

function typeOf(model: ModelNode): DeployedType {
  return model.isMaterializedView ? "materialized view" : "view";
}

function mvModels(project: DbtProject): ModelNode[] {
  return project.order.map((name) => project.models.get(name)!).filter((m) => m.isMaterializedView);
}

function dropAdvice(model: ModelNode): string {
  return `Once nothing reads it, drop it by hand: DROP MATERIALIZED VIEW IF EXISTS ${renderRelation(model.relation)};`;
}

/**
 * A deleted and an added model with the same file content or the same SQL (ignoring comments and
 * layout) are one model renamed. Returns the added name → the deleted model.
 */
function pairRenames(deleted: ModelNode[], added: ModelNode[]): Map<string, ModelNode> {
  const pairs = new Map<string, ModelNode>();
  if (deleted.length === 0 || added.length === 0) return pairs;
  const unpaired = new Set(added);
  for (const gone of deleted) {
    const sql = normaliseSql(gone.sql);
    for (const candidate of unpaired) {
      if (candidate.rawSql === gone.rawSql || normaliseSql(candidate.sql) === sql) {
        pairs.set(candidate.name, gone);
        unpaired.delete(candidate);
        break;
      }
    }
  }
  return pairs;
}

/**
 * Which models can differ, given the changed files. A model's rendering depends on its own file,
 * the relations of the models it refs (their files), dbt_project.yml, macros, properties files and
 * seeds: if anything but model SQL files changed, every model is compared (undefined).
 */
function modelsToCompare(
  base: DbtProject,
  head: DbtProject,
  changedFiles: string[],
): Set<string> | undefined {
  const changed = new Set(changedFiles);
  for (const file of changed) {
    if ([base, head].some((project) => affectsEveryModel(project, file))) return undefined;
  }
  const touched = new Set<string>();
  for (const project of [base, head]) {
    for (const model of [...project.models.values(), ...project.failures.values()]) {
      if (changed.has(model.file)) touched.add(model.name);
    }
  }
  const compared = new Set(touched);
  for (const model of head.models.values()) {
    if ([...model.refs, ...model.seedRefs].some((ref) => touched.has(ref)))
      compared.add(model.name);
  }
  return compared;
}

function affectsEveryModel(project: DbtProject, file: string): boolean {
  const under = (folders: string[]) =>
    folders.some((folder) => folder === "." || file.startsWith(`${folder}/`));
  if (file === project.projectFile || under(project.macroPaths) || under(project.seedPaths ?? [])) {
    return true;
  }
  return under(project.modelPaths) && !file.endsWith(".sql");
}
