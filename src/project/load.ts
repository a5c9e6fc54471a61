import { randomUUID } from "node:crypto";
import { adapterObject, queryFunctions, type DatabaseAccess } from "./context/adapter.js";
import { projectBuiltins, type TargetInfo, varFunction } from "./context/builtins.js";
import { graphValue, modelDict } from "./context/graph.js";
import { ProjectContext, type SharedContext } from "./context/node-context.js";
import { ALL_TRUE, type DatabaseName, type Policy } from "./context/relation.js";
import { ProjectError } from "./errors.js";
import { parseDbtProjectFile, projectNameOf } from "./files/dbt-project-file.js";
import { layoutProject } from "./files/project-layout.js";
import { parseProperties, type PropertiesIndex } from "./files/properties.js";
import { normaliseProjectDir, readProjectFiles } from "./files/revision-reader.js";
import { renderNative } from "./files/yaml-jinja.js";
import type { Value } from "./jinja/values.js";
import { readInstalledPackages } from "./packages/installed-packages.js";
import { MacroLibrary } from "./packages/macro-library.js";
import { mergeConfig } from "./resolve/config.js";
import { projectConfigLayers } from "./resolve/config-tree.js";
import { compileModel, type ModelCompiler } from "./resolve/model-compile.js";
import { orderModels } from "./resolve/model-order.js";
import { contextFingerprint, parseModels } from "./resolve/parse-phase.js";
import { RelationNamer } from "./resolve/relation-namer.js";
import { renderingError } from "./resolve/render-errors.js";
import { type ResolvedModel, resolveModels, resolveSeeds } from "./resolve/resolve.js";
import type {
  DbtProject,
  LoadOptions,
  ModelFailure,
  ModelNode,
  RelationName,
  SourceTable,
} from "./types.js";

/** One run's `run_started_at` and `invocation_id`, when the caller does not give its own. */
const processRun = { startedAt: new Date(), invocationId: randomUUID() };

/**
 * Loads a dbt project at a revision (or the working tree) the way dbt parses it: configs
 * resolved, relations named, refs checked and ordered. Each model's SQL is rendered when first
 * read, so comparing two revisions renders only what is compared. A model that cannot be loaded
 * is in `failures`, with its file and line; the rest of the project loads.
 */
export async function loadProject(opts: LoadOptions): Promise<DbtProject> {
  const files = await readProjectFiles(opts.repoRoot, opts.projectDir, opts.revision);
  const root = normaliseProjectDir(opts.projectDir);
  const inProject = (file: string) => (root === "." ? file : `${root}/${file}`);
  const projectFile = inProject("dbt_project.yml");
  const projectText = files.contents.get(projectFile);
  if (projectText === undefined) {
    throw new ProjectError(
      `no dbt_project.yml in ${root} at revision ${files.revision}.`,
      { file: projectFile },
      "Set the `project-dir` input to the folder that holds dbt_project.yml.",
    );
  }
  const text = (file: string) => files.contents.get(file) ?? "";
  const warnings: string[] = [];
  const run = opts.run ?? processRun;
  const database: DatabaseName = opts.connection?.database
    ? { name: opts.connection.database }
    : {
        unknown:
          "the database name is only known with database credentials (the database-url input, or PGDATABASE).",
      };
  const target: TargetInfo = {
    name: opts.targetName ?? "default",
    schema: opts.targetSchema,
    database,
    user: opts.connection?.user,
    host: opts.connection?.host,
    port: opts.connection?.port,
  };
  const projectName = projectNameOf(projectText, projectFile);
  const builtinOptions = {
    projectName,
    target,
    cliVars: opts.vars,
    env: opts.env,
    runStartedAt: run.startedAt,
    invocationId: run.invocationId,
    fullRefresh: opts.fullRefresh ?? false,
    warn: (message: string) => warnings.push(message),
  };

  // dbt_project.yml is rendered with the `vars` input only (dbt's --vars): its own vars come later.
  const projectContext = new ProjectContext(
    undefined,
    projectBuiltins({ ...builtinOptions, projectVars: {} }),
  );
  const project = parseDbtProjectFile(projectText, projectFile, (value) => {
    try {
      return renderNative(value, projectFile, projectContext);
    } catch (error) {
      throw renderingError(error, { file: projectFile });
    }
  });
  warnings.push(...project.warnings);
  const builtins = projectBuiltins({ ...builtinOptions, projectVars: project.vars });
  const layout = layoutProject(files, root, project);

  const installed = readInstalledPackages(
    opts.repoRoot,
    root,
    project.packagesInstallPath,
    ["packages.yml", "dependencies.yml"]
      .map((name) => inProject(name))
      .filter((file) => files.contents.has(file))
      .map((file) => ({ file, text: text(file) }))[0],
  );
  const library = new MacroLibrary(
    project.name,
    layout.macroFiles.map((file) => ({ file, text: text(file) })),
    installed.packages,
  );
  warnings.push(...library.problems.map((problem) => `${problem.message}`));
  const quoting: Policy = { ...ALL_TRUE, ...project.quoting };
  const access: DatabaseAccess = {
    view: opts.database,
    database,
    parsing: (site) => site.context.lenient,
  };
  builtins.set(
    "adapter",
    adapterObject(library, { searchOrder: project.dispatch, projectName: project.name }, access),
  );
  for (const [name, value] of Object.entries(queryFunctions(access))) builtins.set(name, value);
  const shared: SharedContext = { library, builtins };

  // Properties files see var (the project's vars, unrendered, as dbt's schema YAML context does).
  const yamlBuiltins = new Map(builtins);
  yamlBuiltins.set("var", varFunction(opts.vars, project.vars, false));
  const yamlContext = new ProjectContext(undefined, yamlBuiltins);
  const properties = parseProperties(
    layout.propertyFiles.map((file) => ({ file, text: text(file) })),
    (value, _kind, _keypath) => renderNative(value, "properties", yamlContext),
  );
  warnings.push(...properties.warnings);
  const namer = new RelationNamer(shared, opts.targetSchema, project.name);
  const sources = sourceTables(properties);
  const effectiveName = (relation: RelationName): RelationName => ({
    schema: quoting.schema ? relation.schema : relation.schema.toLowerCase(),
    identifier: quoting.identifier ? relation.identifier : relation.identifier.toLowerCase(),
  });
  const databaseName = "name" in database ? database.name : null;

  const fingerprint = contextFingerprint(
    opts,
    [projectFile, ...layout.macroFiles, ...layout.propertyFiles],
    text,
    JSON.stringify([
      installed.packages.map((pkg) => pkg.files),
      databaseName,
      opts.database ? "online" : "offline",
      run.invocationId,
    ]),
  );
  const seedFailures = new Map<string, ProjectError>();
  const seeds = resolveSeeds(layout.seeds, {
    projectFile,
    project,
    properties,
    namer,
    failures: seedFailures,
  });
  for (const seed of seeds.values()) seed.relation = effectiveName(seed.relation);
  const { parsed, failures } = parseModels(layout.models, {
    seeds,
    fingerprint,
    projectFile,
    project,
    properties,
    shared,
    namer,
    sources,
    database,
    quoting,
    modelValue: (node, config) =>
      modelDict(
        { ...node, rawSql: text(node.file), columns: [], refNames: [], sources: [] },
        project.name,
        config,
        undefined,
        databaseName,
      ),
    text,
  });
  const models = resolveModels(parsed, namer, failures, effectiveName);
  const order = orderModels(models, seeds, parsed, failures, seedFailures);

  const modelValues = new Map<string, Value>();
  const modelValue = (model: ResolvedModel): Value => {
    let value = modelValues.get(model.name);
    if (!value) {
      value = modelDict(
        {
          ...model,
          description: model.properties?.description,
          columns: model.properties?.columns ?? [],
        },
        project.name,
        model.configValues,
        model.relation,
        databaseName,
      );
      modelValues.set(model.name, value);
    }
    return value;
  };
  let graph: Value | undefined;
  const nodes = new Map<string, ModelNode>();
  const compiler: ModelCompiler = {
    shared,
    sources,
    models,
    seeds,
    projectName: project.name,
    database,
    quoting,
    modelValue,
    graph: () => {
      graph ??= graphValue(
        [...models.values()].map((model) => ({
          uniqueId: `model.${project.name}.${model.name}`,
          value: modelValue(model),
        })),
        seeds.values(),
        sources.values(),
        project.name,
        databaseName,
      );
      return graph;
    },
    nodes,
    renderedRelations: new Map(),
  };
  for (const name of order) nodes.set(name, compileModel(models.get(name)!, compiler));
  for (const failure of failures.values()) {
    const file = layout.models.find((model) => model.name === failure.name);
    const layers = file
      ? [
          ...projectConfigLayers(project.models, file.segments),
          properties.models.get(failure.name)?.config ?? {},
        ]
      : [];
    const materialized = mergeConfig(layers.map((values) => ({ file: projectFile, values }))).values
      .materialized;
    failure.mayBeMaterializedView = mayBeMaterializedView(materialized, text(failure.file));
  }
  return {
    name: project.name,
    root,
    revision: files.revision,
    models: nodes,
    failures: sortedFailures(failures),
    order,
    seeds,
    sources,
    modelPaths: layout.modelPaths,
    macroPaths: layout.macroPaths,
    seedPaths: layout.seedPaths,
    projectFile,
    warnings: [...warnings, ...[...nodes.values()].flatMap((node) => node.warnings)],
  };
}

/** From the configs outside the file and what the file says, conservatively. */
function mayBeMaterializedView(configured: unknown, source: string): boolean {
  if (/materialized\s*=\s*['"]materialized_?view['"]/.test(source)) return true;
  if (/materialized\s*=\s*['"]/.test(source)) return false;
  if (configured === "materialized_view" || configured === "materializedview") return true;
  return /materialized/.test(source);
}

function sortedFailures(failures: Map<string, ModelFailure>): Map<string, ModelFailure> {
  return new Map([...failures].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sourceTables(properties: PropertiesIndex): Map<string, SourceTable> {
  const tables = new Map<string, SourceTable>();
  for (const [key, source] of properties.sources) {
    tables.set(key, {
      source: source.source,
      table: source.table,
      relation: { schema: source.schema, identifier: source.identifier },
      ...(source.database ? { database: source.database } : {}),
      ...(source.quote ? { quote: source.quote } : {}),
      file: source.file,
    });
  }
  return tables;
}
