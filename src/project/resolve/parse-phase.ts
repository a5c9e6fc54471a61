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
  const expectedRelation = expectedRelations(unique, inputs);
  const parsed = new Map<string, ParsedModel>();
  for (const model of unique.values()) {
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
      parsed.set(
        model.name,
        parsedModels.getOrCreate([inputs.fingerprint, model.file, rawSql], parse),
      );
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      failures.set(model.name, { name: model.name, file: model.file, error });
    }
  }
  return { parsed, failures };
}

/**
 * Relations as configured outside model files, which is what most models end up with: the
 * parse-phase render uses them so that its output is usually the final SQL.
 */
function expectedRelations(
  models: Map<string, NodeFile & { layers: ConfigLayer[] }>,
  inputs: ParseInputs,
): (name: string) => RelationName {
  const known = new Map<string, RelationName>();
  return (name) => {
    let relation = known.get(name) ?? inputs.seeds.get(name)?.relation;
    if (relation) return relation;
    const model = models.get(name);
    const values = model ? mergeConfig(model.layers).values : {};
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
    known.set(name, relation);
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
