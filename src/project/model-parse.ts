import { type ConfigLayer, mergeConfig } from "./config.js";
import { TemplateFunctionError } from "./jinja/interpreter.js";
import { createModelEnvironment, type ModelContext } from "./jinja-context.js";
import { compileTemplate, findInTags, findLine, type Template } from "./jinja/template.js";
import { escapeRegExp } from "./text-position.js";
import type { MacroLibrary } from "./macros.js";
import type { NodeFile } from "./project-layout.js";
import type { NodeProperties } from "./properties.js";
import { relationValue, renderRelation } from "./relation.js";
import { renderTemplate } from "./render.js";
import type { RelationName, SourceTable } from "./types.js";

/** The key under which `this` is recorded among the relations a render used. */
export const THIS = "\0this";

/** A model after dbt's parse phase: what its template declares, before configs are final. */
export interface ParsedModel extends NodeFile {
  rawSql: string;
  template: Template;
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
   * (as expected before config() calls are known) and the config values it read. Where the final
   * relations and config agree, this output is the compiled SQL and no second render is needed.
   */
  rendered: { sql: string; relations: Map<string, string>; configReads: Map<string, string> };
}

export interface ParseModelInput extends NodeFile {
  rawSql: string;
  properties?: NodeProperties;
  layers: ConfigLayer[];
  library: MacroLibrary;
  /** A model's or seed's relation as known from configs outside model files. */
  expectedRelation: (name: string) => RelationName;
  sources: Map<string, SourceTable>;
  projectName: string;
}

export function parseModel(input: ParseModelInput): ParsedModel {
  const template = compileTemplate(input.rawSql, input.file);
  const configCalls: ConfigLayer[] = [];
  const refNames = new Set<string>();
  const sources = new Map<string, { source: string; table: string }>();
  let configLine: number | undefined;
  const current = () => mergeConfig([...input.layers, ...configCalls]).values;
  const relations = new Map<string, string>();
  const configReads = new Map<string, string>();
  const expected = (name: string, key = name) => {
    const relation = input.expectedRelation(name);
    relations.set(key, renderRelation(relation));
    return relationValue(relation);
  };

  const context: ModelContext = {
    ref: (names) => {
      const name = refTarget(names, input.projectName);
      refNames.add(name);
      return expected(name);
    },
    source: (source, table) => {
      const found = sourceTable(input.sources, source, table);
      sources.set(`${source}.${table}`, { source, table });
      return relationValue(found.relation);
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
    this: expected(input.name, THIS),
    model: modelContext(input),
  };
  const sql = renderTemplate(template, createModelEnvironment(input.library.env, context), {
    file: input.file,
    sources: input.library.templates,
    modelName: input.name,
  });
  // Only what describes the model: the result is cached across loads, their closures are not.
  return {
    name: input.name,
    file: input.file,
    segments: input.segments,
    rawSql: input.rawSql,
    properties: input.properties,
    layers: input.layers,
    template,
    configCalls,
    refNames: [...refNames],
    sources: [...sources.values()],
    rendered: { sql, relations, configReads },
  };
}

/** `ref('m')` or `ref('this_project', 'm')`; other packages are not loaded. */
export function refTarget(names: string[], projectName: string): string {
  const [first, second] = names;
  if (names.length === 1 && first !== undefined) return first;
  if (names.length === 2 && first === projectName && second !== undefined) return second;
  if (names.length === 2) {
    throw new TemplateFunctionError(
      `ref('${first}', '${second}') points into package '${first}', which is not loaded.`,
      "ref",
      "Only this project's models can be referenced; dbt packages are not supported.",
    );
  }
  throw new TemplateFunctionError(
    `ref() takes a model name (got ${names.length} arguments).`,
    "ref",
  );
}

export function sourceTable(
  sources: Map<string, SourceTable>,
  source: string,
  table: string,
): SourceTable {
  const found = sources.get(`${source}.${table}`);
  if (!found) {
    throw new TemplateFunctionError(
      `source('${source}', '${table}') is not declared.`,
      "source",
      `Declare table ${table} under source ${source} in a properties YAML file (sources: - name: ${source}).`,
    );
  }
  return found;
}

export function modelContext(node: NodeFile & { projectName: string }): Record<string, unknown> {
  return {
    name: node.name,
    resource_type: "model",
    package_name: node.projectName,
    unique_id: `model.${node.projectName}.${node.name}`,
    original_file_path: node.file,
    fqn: [node.projectName, ...node.segments],
  };
}

/** Line of the first `ref(… 'name')` in a model's source. */
export function refLine(source: string, ref: string): number | undefined {
  return findInTags(source, new RegExp(`\\bref\\s*\\([^)]*['"]${escapeRegExp(ref)}['"]`));
}
