import { parseDbtProjectFile } from "./dbt-project-file.js";
import { ProjectError } from "./errors.js";
import { createGlobalEnvironment } from "./jinja-context.js";
import { loadMacros } from "./macros.js";
import { compileModel, type ModelCompiler } from "./model-compile.js";
import { orderModels } from "./model-order.js";
import { contextFingerprint, parseModels } from "./parse-phase.js";
import { parseProperties, type PropertiesIndex } from "./properties.js";
import { layoutProject } from "./project-layout.js";
import { RelationNamer } from "./relation-namer.js";
import { resolveModels, resolveSeeds } from "./resolve.js";
import { normaliseProjectDir, readProjectFiles } from "./revision-reader.js";
import type { DbtProject, LoadOptions, ModelNode, SourceTable } from "./types.js";

/**
 * Loads a dbt project at a revision (or the working tree) the way dbt parses it: configs
 * resolved, relations named, refs checked and ordered. Each model's SQL is rendered when first
 * read, so comparing two revisions renders only what is compared.
 */
export async function loadProject(opts: LoadOptions): Promise<DbtProject> {
  const files = await readProjectFiles(opts.repoRoot, opts.projectDir, opts.revision);
  const root = normaliseProjectDir(opts.projectDir);
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
