import { TemplateFunctionError } from "./jinja/interpreter.js";
import { createModelEnvironment, type ModelContext } from "./jinja-context.js";
import { compileTemplate } from "./jinja/template.js";
import type { ResolvedModel } from "./resolve.js";
import type { MacroLibrary } from "./macros.js";
import { modelContext, refLine, refTarget, sourceTable, THIS } from "./model-parse.js";
import { ProjectError } from "./errors.js";
import { relationValue, renderRelation } from "./relation.js";
import { renderTemplate } from "./render.js";
import type { ModelNode, SeedNode, SourceTable } from "./types.js";

/** `materializedview` is dbt-risingwave's deprecated spelling: loaded, flagged, not rebuilt. */
const MV_MATERIALIZATIONS = new Set(["materialized_view", "materializedview"]);

export interface ModelCompiler {
  library: MacroLibrary;
  sources: Map<string, SourceTable>;
  models: Map<string, ResolvedModel>;
  seeds: Map<string, SeedNode>;
  projectName: string;
}

/**
 * The model as other modules see it. Its SQL and hooks render (dbt's compile phase, with final
 * relations) on first read and are kept.
 */
export function compileModel(model: ResolvedModel, compiler: ModelCompiler): ModelNode {
  let sql: string | undefined;
  let hookSql: ModelNode["hookSql"] | undefined;
  const site = { sources: compiler.library.templates, modelName: model.name };
  const env = () => createModelEnvironment(compiler.library.env, compileContext(model, compiler));
  const warnings =
    model.config.materialized === "materializedview"
      ? [
          `${model.file}: model ${model.name} uses the deprecated materialization 'materializedview', ` +
            "which gets no zero-downtime rebuild. Use 'materialized_view'.",
        ]
      : [];
  return {
    name: model.name,
    packageName: compiler.projectName,
    file: model.file,
    rawSql: model.rawSql,
    get sql() {
      refuseEphemeralRefs(model, compiler);
      sql ??= stripStatementEnd(
        parseOutputHolds(model, compiler)
          ? model.rendered.sql
          : renderTemplate(model.template, env(), { ...site, file: model.file }),
      );
      return sql;
    },
    relation: model.relation,
    config: model.config,
    description: model.properties?.description,
    columns: model.properties?.columns ?? [],
    refs: model.refNames.filter((ref) => compiler.models.has(ref)),
    seedRefs: model.refNames.filter((ref) => !compiler.models.has(ref)),
    sources: model.sources,
    get hookSql() {
      const render = (hook: string) =>
        renderTemplate(compileTemplate(hook, model.hookFile), env(), {
          ...site,
          file: model.hookFile,
        }).trim();
      hookSql ??= {
        pre: model.config.preHook.map(render),
        post: model.config.postHook.map(render),
      };
      return hookSql;
    },
    isMaterializedView: MV_MATERIALIZATIONS.has(model.config.materialized),
    warnings,
  };
}

/**
 * dbt inlines ephemeral models into their dependents as CTEs; rendering such a ref as a relation
 * would name something that does not exist.
 */
function refuseEphemeralRefs(model: ResolvedModel, compiler: ModelCompiler): void {
  const ephemeral = model.refNames.find(
    (ref) => compiler.models.get(ref)?.config.materialized === "ephemeral",
  );
  if (ephemeral === undefined) return;
  throw new ProjectError(
    `model ${model.name} refs ephemeral model ${ephemeral}, which dbt inlines as a CTE; this action does not.`,
    { file: model.file, line: refLine(model.rawSql, ephemeral) },
    `Materialize ${ephemeral} as a view or materialized view, or inline its SQL.`,
  );
}

/** Whether the parse-phase render saw the final relations and config, so its output is final. */
function parseOutputHolds(model: ResolvedModel, compiler: ModelCompiler): boolean {
  for (const [name, used] of model.rendered.relations) {
    const relation =
      name === THIS
        ? model.relation
        : (compiler.models.get(name)?.relation ?? compiler.seeds.get(name)?.relation);
    if (!relation || renderRelation(relation) !== used) return false;
  }
  for (const [key, used] of model.rendered.configReads) {
    if (JSON.stringify(model.configValues[key] ?? null) !== used) return false;
  }
  return true;
}

function compileContext(model: ResolvedModel, compiler: ModelCompiler): ModelContext {
  return {
    ref: (names) => {
      const name = refTarget(names, compiler.projectName);
      const relation = compiler.models.get(name)?.relation ?? compiler.seeds.get(name)?.relation;
      // Refs were checked after parsing; a ref only reached now (behind a branch that parsing
      // did not take) can still be unknown.
      if (!relation) {
        throw new TemplateFunctionError(`ref('${name}') names no enabled model or seed.`, "ref");
      }
      return relationValue(relation);
    },
    source: (source, table) => relationValue(sourceTable(compiler.sources, source, table).relation),
    config: () => undefined,
    configValue: (key) => model.configValues[key],
    this: relationValue(model.relation),
    model: modelContext({ ...model, projectName: compiler.projectName }),
  };
}

function stripStatementEnd(rendered: string): string {
  const trimmed = rendered.trim();
  return trimmed.endsWith(";") ? trimmed.slice(0, -1).trimEnd() : trimmed;
}
