import { createHash } from "node:crypto";
import { type ConfigLayer, mergeConfig, propertiesLayer } from "./config.js";
import { projectConfigLayers } from "./config-tree.js";
import { ContentCache } from "./content-cache.js";
import type { DbtProjectFile } from "./dbt-project-file.js";
import { ProjectError, throwCollected } from "./errors.js";
import type { MacroLibrary } from "./macros.js";
import { type ParsedModel, parseModel } from "./model-parse.js";
import type { NodeFile } from "./project-layout.js";
import type { PropertiesIndex } from "./properties.js";
import type { RelationNamer } from "./relation-namer.js";
import type { LoadOptions, RelationName, SeedNode, SourceTable } from "./types.js";

export interface ParseInputs {
  seeds: Map<string, SeedNode>;
  projectFile: string;
  /** Identifies everything besides a model's own file that its parse phase can depend on. */
  fingerprint: string;
  project: DbtProjectFile;
  properties: PropertiesIndex;
  library: MacroLibrary;
  namer: RelationNamer;
  sources: Map<string, SourceTable>;
  text: (file: string) => string;
}

/** Renders every model once to learn its config() calls, refs and sources (dbt's parse phase). */
export function parseModels(modelFiles: NodeFile[], inputs: ParseInputs): Map<string, ParsedModel> {
  const errors: ProjectError[] = [];
  const unique = new Map<string, NodeFile & { layers: ConfigLayer[] }>();
  for (const modelFile of modelFiles) {
    const earlier = unique.get(modelFile.name);
    if (earlier) {
      errors.push(
        new ProjectError(
          `two models are named ${modelFile.name} (the other is ${earlier.file}).`,
          { file: modelFile.file },
          "Model names must be unique in a dbt project: rename one of the files.",
        ),
      );
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
        library: inputs.library,
        expectedRelation,
        sources: inputs.sources,
        projectName: inputs.project.name,
      });
    try {
      const key = `${inputs.fingerprint}\0${model.file}\0${rawSql}`;
      parsed.set(model.name, parsedModels.getOrCreate(key, parse));
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      errors.push(error);
    }
  }
  throwCollected(errors);
  return parsed;
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
        : inputs.namer.relation({ name, file: "", segments: [name] }, "model", {}, {});
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
 * A model's parse phase depends on its file, dbt_project.yml, the macros, the properties files
 * (configs, sources) and the load options; a model in two loads with the same fingerprint and the
 * same file content parses the same.
 */
export function contextFingerprint(
  opts: LoadOptions,
  files: string[],
  text: (file: string) => string,
): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file}\0${text(file)}\0`);
  const env = Object.entries(opts.env).sort(([a], [b]) => (a < b ? -1 : 1));
  hash.update(
    JSON.stringify([opts.projectDir, opts.targetSchema, opts.targetName, opts.vars, env]),
  );
  return hash.digest("hex");
}
