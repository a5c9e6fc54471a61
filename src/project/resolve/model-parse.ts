/**
 * dbt's parse phase for one model: the template rendered once with `execute` false, recording its
 * `config()` calls, refs and sources. The output is kept: when nothing it relied on changes by the
 * compile phase (relations, config values read, nothing only a compile knows), it is the SQL.
 */
import { NodeContext, type SharedContext } from "../context/node-context.js";
import {
  type DatabaseName,
  nodeRelation,
  type Policy,
  type Relation,
  sourceRelation,
} from "../context/relation.js";
import { compileUncached, type CompiledTemplate } from "../jinja/engine.js";
import { JinjaError, PyDict, type Value } from "../jinja/values.js";
import type { NodeFile } from "../files/project-layout.js";
import type { NodeProperties } from "../files/properties.js";
import { findLine } from "../files/text-position.js";
import type { RelationName, SourceTable } from "../types.js";
import { type ConfigLayer, mergeConfig } from "./config.js";
import { renderingError } from "./render-errors.js";

/** The key under which `this` is recorded among the relations a render used. */
export const THIS = "\0this";

/** A model after dbt's parse phase: what its template declares, before configs are final. */
export interface ParsedModel extends NodeFile {
  rawSql: string;
  properties?: NodeProperties;
  /** Config from dbt_project.yml and the properties file, lowest precedence first. */
  layers: ConfigLayer[];
  /** The template's own `config(...)` calls, in call order. */
  configCalls: ConfigLayer[];
  /** Every name passed to ref(), deduplicated: models or seeds. */
  refNames: string[];
  sources: { source: string; table: string }[];
  /**
   * The parse-phase output and what it assumed: the relations it rendered for `this` and each ref
   * and the config values it read; `provisional` when it depended on what only the compile phase
   * knows (execute, graph, the database, something undefined). Where all that holds, the output is
   * the compiled SQL and no second render is needed.
   */
  rendered: {
    sql: string;
    relations: Map<string, string>;
    configReads: Map<string, string>;
    provisional: boolean;
  };
}

export interface ParseModelInput extends NodeFile {
  rawSql: string;
  properties?: NodeProperties;
  layers: ConfigLayer[];
  shared: SharedContext;
  /** A model's or seed's relation as known from configs outside model files. */
  expectedRelation: (name: string) => RelationName;
  sources: Map<string, SourceTable>;
  projectName: string;
  database: DatabaseName;
  quoting: Policy;
  /** The model dict templates see (`model.config` comes from `config`). */
  modelValue: (config: Record<string, unknown>) => Value;
}

export function parseModel(input: ParseModelInput): ParsedModel {
  let template: CompiledTemplate;
  try {
    template = compileUncached(input.rawSql, input.file);
  } catch (error) {
    throw renderingError(error, { file: input.file });
  }
  const configCalls: ConfigLayer[] = [];
  const refNames = new Set<string>();
  const sources = new Map<string, { source: string; table: string }>();
  let configLine: number | undefined;
  const current = () => mergeConfig([...input.layers, ...configCalls]).values;
  const relations = new Map<string, string>();
  const configReads = new Map<string, string>();
  const expected = (name: string, key = name): Relation => {
    const relation = nodeRelation(input.expectedRelation(name), input.database, input.quoting);
    relations.set(key, relation.render());
    return relation;
  };
  let self: Relation | undefined;
  const context = new NodeContext(input.shared, {
    parsing: true,
    // Recorded only when read: a model whose own config() renames it but never renders `this`
    // keeps its parse-phase output.
    get this() {
      self ??= expected(input.name, THIS);
      return self;
    },
    ref: (names, version) => {
      const name = refTarget(names, input.projectName, version);
      refNames.add(name);
      return expected(name);
    },
    source: (source, table) => {
      const found = sourceTable(input.sources, source, table);
      sources.set(`${source}.${table}`, { source, table });
      return sourceRelation(found, input.database);
    },
    config: (values) => {
      configLine ??= findLine(input.rawSql, "config", true);
      configCalls.push({ file: input.file, line: configLine, values });
    },
    configValue: (key) => {
      const value = current()[key];
      configReads.set(key, JSON.stringify(value ?? null));
      return value;
    },
    model: () => input.modelValue(current()),
    graph: () => new PyDict(),
  });
  let sql: string;
  try {
    sql = template.renderDbt(context);
  } catch (error) {
    throw renderingError(error, { file: input.file, modelName: input.name });
  }
  return {
    name: input.name,
    file: input.file,
    segments: input.segments,
    rawSql: input.rawSql,
    properties: input.properties,
    layers: input.layers,
    configCalls,
    refNames: [...refNames],
    sources: [...sources.values()],
    rendered: { sql, relations, configReads, provisional: context.provisional },
  };
}

/** `ref('m')` or `ref('this_project', 'm')`; other packages' models are not loaded. */
export function refTarget(
  names: string[],
  projectName: string,
  version: Value | undefined,
): string {
  if (version !== undefined) {
    throw new JinjaError(
      "CompilationError",
      "ref() with a version is not supported (model versions are not)",
    );
  }
  const [first, second] = names;
  if (names.length === 1 && first !== undefined) return first;
  if (names.length === 2 && first === projectName && second !== undefined) return second;
  if (names.length === 2) {
    throw new JinjaError(
      "CompilationError",
      `ref('${first}', '${second}') points into package '${first}', whose models this action does not load (only its macros)`,
    );
  }
  throw new JinjaError(
    "CompilationError",
    `ref() takes a model name (got ${names.length} arguments)`,
  );
}

export function sourceTable(
  sources: Map<string, SourceTable>,
  source: string,
  table: string,
): SourceTable {
  const found = sources.get(`${source}.${table}`);
  if (!found) {
    throw new JinjaError(
      "CompilationError",
      `source('${source}', '${table}') is not declared. Declare table ${table} under source ${source} in a properties YAML file (sources: - name: ${source})`,
    );
  }
  return found;
}
