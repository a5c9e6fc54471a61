import { createHash } from "node:crypto";
import { type ConfigLayer, mergeConfig, validateConfig } from "./config.js";
import { projectConfigLayers } from "./config-tree.js";
import { type DbtProjectFile, parseDbtProjectFile } from "./dbt-project-file.js";
import { ProjectError, throwCollected } from "./errors.js";
import { RefCycleError, topologicalOrder } from "./graph.js";
import { createGlobalEnvironment } from "./jinja-context.js";
import { loadMacros, type MacroLibrary } from "./macros.js";
import { compileModel, type ModelCompiler } from "./model-compile.js";
import { type ParsedModel, parseModel, refLine } from "./model-parse.js";
import { type NodeProperties, parseProperties, type PropertiesIndex } from "./properties.js";
import { closeMatches } from "./close-matches.js";
import { ContentCache } from "./content-cache.js";
import { layoutProject, type NodeFile } from "./project-layout.js";
import { readProjectFiles } from "./revision-reader.js";
import { RelationNamer } from "./relation-namer.js";
import type {
  DbtProject,
  LoadOptions,
  ModelConfig,
  ModelNode,
  RelationName,
  SeedNode,
  SourceTable,
} from "./types.js";

/**
 * Loads a dbt project at a revision (or the working tree) the way dbt parses it: configs
 * resolved, relations named, refs checked and ordered. Each model's SQL is rendered when first
 * read, so comparing two revisions renders only what is compared.
 */
export async function loadProject(opts: LoadOptions): Promise<DbtProject> {
  const files = await readProjectFiles(opts.repoRoot, opts.projectDir, opts.revision);
  const root = normaliseRoot(opts.projectDir);
  const projectFile = root === "." ? "dbt_project.yml" : `${root}/dbt_project.yml`;
  const projectText = files.contents.get(projectFile);
  if (projectText === undefined) {
    throw new ProjectError(
      `no dbt_project.yml in ${root} at revision ${files.revision}.`,
      { file: projectFile },
      "Set the `project-dir` input to the folder that holds dbt_project.yml.",
    );
  }
  const project = parseDbtProjectFile(projectText, projectFile);
  const layout = layoutProject(files, root, project);
  const text = (file: string) => files.contents.get(file) ?? "";
  const properties = parseProperties(
    layout.propertyFiles.map((file) => ({ file, text: text(file) })),
  );

  const globals = createGlobalEnvironment({
    targetSchema: opts.targetSchema,
    targetName: opts.targetName ?? "default",
    vars: { ...project.vars, ...opts.vars },
    env: opts.env,
  });
  const library = loadMacros(
    layout.macroFiles.map((file) => ({ file, text: text(file) })),
    globals,
  );
  const namer = new RelationNamer(library, opts.targetSchema, project.name);
  const sources = sourceTables(properties);

  const fingerprint = contextFingerprint(
    opts,
    [projectFile, ...layout.macroFiles, ...layout.propertyFiles],
    text,
  );
  const seeds = resolveSeeds(layout.seeds, { projectFile, project, properties, namer });
  const parsed = parseModels(layout.models, {
    seeds,
    fingerprint,
    projectFile,
    project,
    properties,
    library,
    namer,
    sources,
    text,
  });
  const models = resolveModels(parsed, namer);
  const order = orderModels(models, seeds, parsed);

  const compiler: ModelCompiler = {
    library,
    namer,
    sources,
    models,
    seeds,
    projectName: project.name,
  };
  const nodes = new Map<string, ModelNode>();
  for (const name of order) {
    const model = models.get(name)!;
    nodes.set(name, compileModel(model, compiler));
  }
  return {
    name: project.name,
    root,
    revision: files.revision,
    models: nodes,
    order,
    seeds,
    sources,
    modelPaths: layout.modelPaths,
    macroPaths: layout.macroPaths,
    seedPaths: layout.seedPaths,
    projectFile,
    warnings: [...nodes.values()].flatMap((node) => node.warnings),
  };
}

function normaliseRoot(projectDir: string): string {
  const cleaned = projectDir.replaceAll("\\", "/").replace(/^\.\//, "").replace(/\/+$/, "");
  return cleaned === "" ? "." : cleaned;
}

function sourceTables(properties: PropertiesIndex): Map<string, SourceTable> {
  const tables = new Map<string, SourceTable>();
  for (const [key, source] of properties.sources) {
    tables.set(key, {
      source: source.source,
      table: source.table,
      relation: { schema: source.schema, identifier: source.identifier },
      file: source.file,
    });
  }
  return tables;
}

interface ParseInputs {
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
function parseModels(modelFiles: NodeFile[], inputs: ParseInputs): Map<string, ParsedModel> {
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
      layers: [...projectLayers, ...propertyLayer(props)],
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
function contextFingerprint(
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

function propertyLayer(props: NodeProperties | undefined): ConfigLayer[] {
  return props && Object.keys(props.config).length > 0
    ? [{ file: props.file, values: props.config }]
    : [];
}

/** A parsed model with its final config and relation. */
export interface ResolvedModel extends ParsedModel {
  config: ModelConfig;
  configValues: Record<string, unknown>;
  relation: RelationName;
  hookFile: string;
}

function resolveModels(
  parsed: Map<string, ParsedModel>,
  namer: RelationNamer,
): Map<string, ResolvedModel> {
  const models = new Map<string, ResolvedModel>();
  const errors: ProjectError[] = [];
  const byRelation = new Map<string, string>();
  for (const model of parsed.values()) {
    try {
      const merged = mergeConfig([...model.layers, ...model.configCalls]);
      const config = validateConfig(merged, model.file);
      if (!config.enabled) continue;
      const relation = namer.relation(model, "model", config, merged.values);
      const key = `${relation.schema}.${relation.identifier}`;
      const clash = byRelation.get(key);
      if (clash !== undefined) {
        throw new ProjectError(
          `models ${clash} and ${model.name} both build ${key}.`,
          { file: model.file },
          "Give one of them another alias or schema.",
        );
      }
      byRelation.set(key, model.name);
      models.set(model.name, {
        ...model,
        config,
        configValues: merged.values,
        relation,
        hookFile: merged.origin.post_hook?.file ?? merged.origin.pre_hook?.file ?? model.file,
      });
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      errors.push(error);
    }
  }
  throwCollected(errors);
  return models;
}

function resolveSeeds(
  seedFiles: NodeFile[],
  {
    projectFile,
    project,
    properties,
    namer,
  }: Pick<ParseInputs, "projectFile" | "project" | "properties" | "namer">,
): Map<string, SeedNode> {
  const seeds = new Map<string, SeedNode>();
  for (const seed of seedFiles) {
    const props = properties.seeds.get(seed.name);
    const merged = mergeConfig([
      ...projectConfigLayers(project.seeds, seed.segments).map((values) => ({
        file: projectFile,
        values,
      })),
      ...propertyLayer(props),
    ]);
    const config = validateConfig(merged, seed.file);
    if (!config.enabled) continue;
    seeds.set(seed.name, {
      name: seed.name,
      file: seed.file,
      relation: namer.relation(seed, "seed", config, merged.values),
    });
  }
  return seeds;
}

/** Checks every ref and orders the models, upstream first. */
function orderModels(
  models: Map<string, ResolvedModel>,
  seeds: Map<string, SeedNode>,
  parsed: Map<string, ParsedModel>,
): string[] {
  const errors: ProjectError[] = [];
  const refsOf = new Map<string, string[]>();
  for (const model of models.values()) {
    for (const ref of model.refNames) {
      if (models.has(ref) || seeds.has(ref)) continue;
      const disabled = parsed.has(ref);
      errors.push(
        new ProjectError(
          disabled
            ? `model ${model.name} refs model ${ref}, which is disabled.`
            : `model ${model.name} refs unknown model '${ref}'.`,
          { file: model.file, line: refLine(model.rawSql, ref) },
          disabled
            ? `Enable ${ref} or remove the ref.`
            : suggestion(ref, [...models.keys(), ...seeds.keys()]),
        ),
      );
    }
    refsOf.set(
      model.name,
      model.refNames.filter((ref) => models.has(ref)),
    );
  }
  throwCollected(errors);
  try {
    return topologicalOrder(refsOf);
  } catch (error) {
    if (!(error instanceof RefCycleError)) throw error;
    const [first, second] = error.cycle;
    const model = models.get(first!)!;
    throw new ProjectError(
      `models form a ref cycle: ${error.cycle.join(" → ")}.`,
      { file: model.file, line: second === undefined ? undefined : refLine(model.rawSql, second) },
      "Remove one of these refs: dbt needs the models to form a DAG.",
    );
  }
}

function suggestion(name: string, candidates: string[]): string {
  const close = closeMatches(name, candidates);
  return close.length > 0
    ? `Did you mean ${close.map((c) => `'${c}'`).join(" or ")}?`
    : "Check the model name (the file name without .sql); refs to dbt packages are not supported.";
}
