/**
 * dbt's compile phase: a model rendered with its final relations and config, `execute` true.
 * Refs to ephemeral models render as `__dbt__cte__<name>` and their compiled SQL is injected as
 * CTEs, as dbt's compiler does. The parse-phase output stands when nothing it relied on differs.
 */
import { NodeContext, type SharedContext } from "../context/node-context.js";
import {
  type DatabaseName,
  nodeRelation,
  type Policy,
  Relation,
  sourceRelation,
} from "../context/relation.js";
import { ProjectError } from "../errors.js";
import { compileTemplate } from "../jinja/engine.js";
import { JinjaError, type Value } from "../jinja/values.js";
import type { ModelNode, RelationName, SeedNode, SourceTable } from "../types.js";
import { injectCtes } from "./ephemeral.js";
import { refTarget, sourceTable, THIS } from "./model-parse.js";
import type { ResolvedModel } from "./resolve.js";
import { renderingError } from "./render-errors.js";

/** `materializedview` is dbt-risingwave's deprecated spelling: loaded, flagged, not rebuilt. */
const MV_MATERIALIZATIONS = new Set(["materialized_view", "materializedview"]);

export interface ModelCompiler {
  shared: SharedContext;
  sources: Map<string, SourceTable>;
  models: Map<string, ResolvedModel>;
  seeds: Map<string, SeedNode>;
  projectName: string;
  database: DatabaseName;
  quoting: Policy;
  modelValue: (model: ResolvedModel) => Value;
  graph: () => Value;
  /** Compiled nodes by name, so an ephemeral model compiles once for all its dependents. */
  nodes: Map<string, ModelNode>;
  /** Each model's and seed's relation as a render writes it, by name: read for every ref. */
  renderedRelations: Map<string, string>;
}

/** Refs rendered as another relation than the model's own (e.g. the temp MV a deploy builds). */
type RefRelations = ReadonlyMap<string, RelationName>;

const NO_OVERRIDES: RefRelations = new Map();

interface Cte {
  name: string;
  sql: string;
}

/**
 * The model as other modules see it. Its SQL and hooks render on first read and are kept; a
 * render failure is a ProjectError thrown from the getter, naming the file and line.
 */
export function compileModel(model: ResolvedModel, compiler: ModelCompiler): ModelNode {
  let rendered: { sql: string; ctes: Cte[] } | undefined;
  let sql: string | undefined;
  let hookSql: ModelNode["hookSql"] | undefined;
  const warnings =
    model.config.materialized === "materializedview"
      ? [
          `${model.file}: model ${model.name} uses the deprecated materialization 'materializedview', ` +
            "which gets no zero-downtime rebuild. Use 'materialized_view'.",
        ]
      : [];
  const renderReading = (relations: RefRelations): string => {
    const ctes: Cte[] = [];
    const sql = renderCompiled(model.rawSql, model.file, model, compiler, ctes, relations);
    return stripStatementEnd(injectCtes(sql, ctes));
  };
  const render = (): { sql: string; ctes: Cte[] } => {
    if (rendered) return rendered;
    const ctes: Cte[] = [];
    let sql: string;
    if (parseOutputHolds(model, compiler)) {
      sql = model.rendered.sql;
    } else {
      sql = renderCompiled(model.rawSql, model.file, model, compiler, ctes);
    }
    rendered = { sql, ctes };
    return rendered;
  };
  return {
    name: model.name,
    packageName: compiler.projectName,
    file: model.file,
    rawSql: model.rawSql,
    get sql() {
      if (sql === undefined) {
        const { sql: body, ctes } = render();
        sql = stripStatementEnd(injectCtes(body, ctes));
      }
      return sql;
    },
    get ephemeralSql() {
      const { sql, ctes } = render();
      return { sql, ctes };
    },
    sqlReading(relations) {
      return readsAny(model, compiler, relations) ? renderReading(relations) : this.sql;
    },
    relation: model.relation,
    config: model.config,
    description: model.properties?.description,
    columns: model.properties?.columns ?? [],
    refs: model.refNames.filter((ref) => compiler.models.has(ref)),
    seedRefs: model.refNames.filter((ref) => !compiler.models.has(ref)),
    sources: model.sources,
    get hookSql() {
      const renderHook = (hook: string) =>
        renderCompiled(hook, model.hookFile, model, compiler, []).trim();
      hookSql ??= {
        pre: model.config.preHook.map(renderHook),
        post: model.config.postHook.map(renderHook),
      };
      return hookSql;
    },
    isMaterializedView: MV_MATERIALIZATIONS.has(model.config.materialized),
    warnings,
  };
}

/**
 * Whether a ref of the model, directly or through the ephemeral models it inlines, is one that
 * `relations` renders elsewhere.
 */
function readsAny(model: ResolvedModel, compiler: ModelCompiler, relations: RefRelations): boolean {
  return model.refNames.some((name) => {
    if (relations.has(name)) return true;
    const target = compiler.models.get(name);
    return target?.config.materialized === "ephemeral" && readsAny(target, compiler, relations);
  });
}

function renderCompiled(
  source: string,
  file: string,
  model: ResolvedModel,
  compiler: ModelCompiler,
  ctes: Cte[],
  relations: RefRelations = NO_OVERRIDES,
): string {
  try {
    const template = compileTemplate(source, file);
    return template.renderDbt(
      new NodeContext(compiler.shared, compileHooks(model, compiler, ctes, relations)),
    );
  } catch (error) {
    throw renderingError(error, { file, modelName: model.name });
  }
}

/** Whether the parse-phase render saw the final relations and config, so its output is final. */
function parseOutputHolds(model: ResolvedModel, compiler: ModelCompiler): boolean {
  if (model.rendered.provisional) return false;
  for (const [name, used] of model.rendered.relations) {
    const target = name === THIS ? undefined : compiler.models.get(name);
    if (target?.config.materialized === "ephemeral") return false;
    const ownName = name === THIS ? model.name : name;
    let rendered = compiler.renderedRelations.get(ownName);
    if (rendered === undefined) {
      const relation =
        name === THIS ? model.relation : (target?.relation ?? compiler.seeds.get(name)?.relation);
      if (!relation) return false;
      rendered = nodeRelation(relation, compiler.database, compiler.quoting).render();
      compiler.renderedRelations.set(ownName, rendered);
    }
    if (rendered !== used) return false;
  }
  for (const [key, used] of model.rendered.configReads) {
    if (JSON.stringify(model.configValues[key] ?? null) !== used) return false;
  }
  return true;
}

function compileHooks(
  model: ResolvedModel,
  compiler: ModelCompiler,
  ctes: Cte[],
  relations: RefRelations,
) {
  return {
    parsing: false,
    this: nodeRelation(model.relation, compiler.database, compiler.quoting),
    ref: (names: string[], version: Value | undefined): Value => {
      const name = refTarget(names, compiler.projectName, version);
      const target = compiler.models.get(name);
      if (target?.config.materialized === "ephemeral") {
        return ephemeralRef(target, compiler, ctes, relations);
      }
      const relation =
        relations.get(name) ?? target?.relation ?? compiler.seeds.get(name)?.relation;
      // Refs were checked after parsing; one only reached now (behind a branch parsing did not
      // take) can still be unknown.
      if (!relation)
        throw new JinjaError("CompilationError", `ref('${name}') names no enabled model or seed`);
      return nodeRelation(relation, compiler.database, compiler.quoting);
    },
    source: (source: string, table: string): Value =>
      sourceRelation(sourceTable(compiler.sources, source, table), compiler.database),
    config: () => undefined,
    configValue: (key: string) => model.configValues[key],
    model: () => compiler.modelValue(model),
    graph: () => compiler.graph(),
  };
}

/** A ref to an ephemeral model: its CTE name, with its SQL (and its own CTEs first) collected. */
function ephemeralRef(
  target: ResolvedModel,
  compiler: ModelCompiler,
  ctes: Cte[],
  relations: RefRelations,
): Value {
  const name = `__dbt__cte__${target.name}`;
  if (!ctes.some((cte) => cte.name === name)) {
    const node = compiler.nodes.get(target.name);
    if (!node?.ephemeralSql) {
      throw new ProjectError(`ephemeral model ${target.name} could not be compiled.`, {
        file: target.file,
      });
    }
    const inner = readsAny(target, compiler, relations)
      ? ephemeralReading(target, compiler, relations)
      : node.ephemeralSql;
    for (const cte of inner.ctes)
      if (!ctes.some((known) => known.name === cte.name)) ctes.push(cte);
    ctes.push({ name, sql: inner.sql });
  }
  return new Relation({
    database: null,
    schema: null,
    identifier: name,
    type: "cte",
    include: { database: false, schema: false, identifier: true },
    quote: { database: false, schema: false, identifier: false },
  });
}

/** An ephemeral model's SQL and CTEs with some refs rendered elsewhere (not cached). */
function ephemeralReading(
  target: ResolvedModel,
  compiler: ModelCompiler,
  relations: RefRelations,
): { sql: string; ctes: Cte[] } {
  const ctes: Cte[] = [];
  const sql = renderCompiled(target.rawSql, target.file, target, compiler, ctes, relations);
  return { sql, ctes };
}

function stripStatementEnd(rendered: string): string {
  const trimmed = rendered.trim();
  return trimmed.endsWith(";") ? trimmed.slice(0, -1).trimEnd() : trimmed;
}
