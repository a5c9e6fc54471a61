import { createHash } from "node:crypto";
import type { SharedContext } from "../context/node-context.js";
import type { DatabaseName, Policy } from "../context/relation.js";
import { ContentCache } from "../content-cache.js";
import type { DbtProjectFile } from "../files/dbt-project-file.js";
import type { NodeFile } from "../files/project-layout.js";
import type { PropertiesIndex } from "../files/properties.js";
import { ProjectError } from "../errors.js";
import type { Value } from "../jinja/values.js";
import type { LoadOptions, ModelFailure, RelationName, SeedNode, SourceTable } from "../types.js";
import { type ConfigLayer, mergeConfig, propertiesLayer } from "./config.js";
import { projectConfigLayers } from "./config-tree.js";
import { type ParsedModel, parseModel } from "./model-parse.js";
import type { RelationNamer } from "./relation-namer.js";

export interface ParseInputs {
  seeds: Map<string, SeedNode>;
  projectFile: string;
  /** Identifies everything besides a model's own file that its parse phase can depend on. */
  fingerprint: string;
  project: DbtProjectFile;
  properties: PropertiesIndex;
  shared: SharedContext;
  namer: RelationNamer;
  sources: Map<string, SourceTable>;
  database: DatabaseName;
  quoting: Policy;
  modelValue: (node: NodeFile, config: Record<string, unknown>) => Value;
  text: (file: string) => string;
}

/**
 * Renders every model once to learn its config() calls, refs and sources (dbt's parse phase).
 * A model that cannot be parsed is a failure of its own; the others parse on.
 */
export function parseModels(
  modelFiles: NodeFile[],
  inputs: ParseInputs,
): { parsed: Map<string, ParsedModel>; failures: Map<string, ModelFailure> } {
  const failures = new Map<string, ModelFailure>();
  const unique = new Map<string, NodeFile & { layers: ConfigLayer[] }>();
  for (const modelFile of modelFiles) {
    const earlier = unique.get(modelFile.name);
    if (earlier || failures.has(modelFile.name)) {
      const other = earlier?.file ?? failures.get(modelFile.name)!.file;
      failures.set(modelFile.name, {
        name: modelFile.name,
        file: modelFile.file,
        error: new ProjectError(
          `two models are named ${modelFile.name} (the other is ${other}).`,
          { file: modelFile.file },
          "Model names must be unique in a dbt project: rename one of the files.",
        ),
      });
      unique.delete(modelFile.name);
      continue;
    }
    const failure = inputs.properties.failures.get(modelFile.name);
    if (failure) {
      failures.set(modelFile.name, { name: modelFile.name, file: modelFile.file, error: failure });
      continue;
    }
    const projectLayers: ConfigLayer[] = projectConfigLayers(
      inputs.project.models,
      modelFile.segments,
    ).map((values) => ({ file: inputs.projectFile, values }));
    const props = inputs.properties.models.get(modelFile.name);
    unique.set(modelFile.name, {
      ...modelFile,
      layers: [...projectLayers, ...propertiesLayer(props)],
    });
  }
  const parsedSoFar = new Map<string, ParsedModel>();
  const expectedRelation = expectedRelations(unique, parsedSoFar, inputs);
  const outcomes = new Map<string, ParsedModel | ModelFailure>();
  for (const model of refsFirst(unique, inputs.text)) {
    const rawSql = inputs.text(model.file);
    const parse = () =>
      parseModel({
        ...model,
        rawSql,
        properties: inputs.properties.models.get(model.name),
        shared: inputs.shared,
        expectedRelation,
        sources: inputs.sources,
        projectName: inputs.project.name,
        database: inputs.database,
        quoting: inputs.quoting,
        modelValue: (config) => inputs.modelValue(model, config),
      });
    try {
      const result = parsedModels.getOrCreate([inputs.fingerprint, model.file, rawSql], parse);
      parsedSoFar.set(model.name, result);
      outcomes.set(model.name, result);
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      outcomes.set(model.name, { name: model.name, file: model.file, error });
    }
  }
  // Reported in file order, whatever order they were parsed in.
  const parsed = new Map<string, ParsedModel>();
  for (const name of unique.keys()) {
    const outcome = outcomes.get(name)!;
    if ("error" in outcome) failures.set(name, outcome);
    else parsed.set(name, outcome);
  }
  return { parsed, failures };
}

/** After `ref(`: a literal name, as most refs are written, up to the closing parenthesis. */
const LITERAL_REF_ARGUMENT = /\s*(['"])([^'"\\]+)\1\s*\)/y;

/** The names of `ref('name')` calls in a text, found by `indexOf` (a pattern tried at every offset costs more). */
function literalRefs(text: string): string[] {
  const names: string[] = [];
  for (let at = text.indexOf("ref("); at !== -1; at = text.indexOf("ref(", at + 4)) {
    const before = text.charCodeAt(at - 1);
    if (at > 0 && isNamePart(before)) continue;
    LITERAL_REF_ARGUMENT.lastIndex = at + 4;
    const match = LITERAL_REF_ARGUMENT.exec(text);
    if (match) names.push(match[2]!);
  }
  return names;
}

function isNamePart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * The models in an order where those a model refs literally come before it, where the refs allow
 * (file order otherwise). Only a guess, to make the parse-phase render see the relations a ref
 * target's own config() gives it: whatever it guesses, the output is used only where the
 * relations it rendered turn out to be the final ones.
 */
function refsFirst<M extends NodeFile>(
  models: Map<string, M>,
  text: (file: string) => string,
): M[] {
  const ordered: M[] = [];
  const visited = new Set<string>();
  const visit = (start: M) => {
    // Iterative: a chain of thousands of models would overflow a recursive walk.
    const stack: { model: M; refs: string[] }[] = [];
    const enter = (model: M) => {
      visited.add(model.name);
      stack.push({ model, refs: literalRefs(text(model.file)).reverse() });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const next = top.refs.pop();
      if (next === undefined) {
        ordered.push(top.model);
        stack.pop();
        continue;
      }
      const target = models.get(next);
      if (target && !visited.has(next)) enter(target);
    }
  };
  for (const model of models.values()) if (!visited.has(model.name)) visit(model);
  return ordered;
}

/**
 * Relations as configured outside model files, which is what most models end up with: the
 * parse-phase render uses them so that its output is usually the final SQL.
 */
function expectedRelations(
  models: Map<string, NodeFile & { layers: ConfigLayer[] }>,
  parsed: Map<string, ParsedModel>,
  inputs: ParseInputs,
): (name: string) => RelationName {
  const known = new Map<string, RelationName>();
  const final = new Map<string, RelationName>();
  return (name) => {
    const done = parsed.get(name);
    let relation = (done ? final.get(name) : known.get(name)) ?? inputs.seeds.get(name)?.relation;
    if (relation) return relation;
    const model = models.get(name);
    // A model parsed already is named with its own config() calls too, as it will be at the end.
    const values = done
      ? mergeConfig([...done.layers, ...done.configCalls]).values
      : model
        ? mergeConfig(model.layers).values
        : {};
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    try {
      relation = model
        ? inputs.namer.relation(
            model,
            "model",
            { schema: text(values.schema), alias: text(values.alias) },
            values,
          )
        : inputs.namer.provisional({ name, file: "", segments: [name] }, {});
    } catch {
      // A failing naming macro is reported when the final relation is named; until then the
      // default name stands in.
      relation = inputs.namer.provisional({ name, file: "", segments: [name] }, values);
    }
    (done ? final : known).set(name, relation);
    return relation;
  };
}

/** Parse-phase results, shared between the loads of two revisions that share the context. */
const parsedModels = new ContentCache<ParsedModel>();

/**
 * A model's parse phase depends on its file, dbt_project.yml, the macros (the project's and the
 * packages'), the properties files, the load options and the catalog; a model in two loads with
 * the same fingerprint and the same file content parses the same.
 */
export function contextFingerprint(
  opts: LoadOptions,
  files: string[],
  text: (file: string) => string,
  extra: string,
): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file}\0${text(file)}\0`);
  const env = Object.entries(opts.env).sort(([a], [b]) => (a < b ? -1 : 1));
  hash.update(
    JSON.stringify([opts.projectDir, opts.targetSchema, opts.targetName, opts.vars, env, extra]),
  );
  return hash.digest("hex");
}
