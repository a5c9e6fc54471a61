import { z } from "zod";
import { ProjectError } from "../errors.js";
import { type Keypath, renderedInProjectFile, renderYamlTree } from "./yaml-jinja.js";
import { isRecord, parseYamlFile } from "./yaml.js";

/** What we use of dbt_project.yml. Paths are relative to the project directory. */
export interface DbtProjectFile {
  name: string;
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
  /** Where `dbt deps` installs packages (`packages-install-path`, default dbt_packages). */
  packagesInstallPath: string;
  /** Project vars: the global ones overlaid with those scoped to this project's name. */
  vars: Record<string, unknown>;
  /** The `models:` tree below this project's name (configs at the very top included). */
  models: Record<string, unknown>;
  seeds: Record<string, unknown>;
  /** `quoting:` for this project's relations (dbt-postgres quotes everything by default). */
  quoting: { database?: boolean; schema?: boolean; identifier?: boolean };
  /** `dispatch:`: macro namespace → the packages to search, in order. */
  dispatch: Map<string, string[]>;
  warnings: string[];
}

const pathList = z.array(z.string()).optional();

const projectSchema = z.looseObject({
  name: z.string().regex(/^\w+$/, "must be letters, digits and underscores"),
  "model-paths": pathList,
  "source-paths": pathList,
  "macro-paths": pathList,
  "seed-paths": pathList,
  "data-paths": pathList,
  "packages-install-path": z.string().nullish(),
  "modules-path": z.string().nullish(),
  vars: z.record(z.string(), z.unknown()).nullish(),
  models: z.record(z.string(), z.unknown()).nullish(),
  seeds: z.record(z.string(), z.unknown()).nullish(),
  quoting: z
    .looseObject({
      database: z.boolean().nullish(),
      schema: z.boolean().nullish(),
      identifier: z.boolean().nullish(),
    })
    .nullish(),
  dispatch: z
    .array(z.looseObject({ macro_namespace: z.string(), search_order: z.array(z.string()) }))
    .nullish(),
});

/** dbt_project.yml's name, read before anything is rendered (the context needs it). */
export function projectNameOf(text: string, file: string): string {
  const raw = parseYamlFile(text, file).value;
  const name = isRecord(raw) ? raw.name : undefined;
  if (typeof name !== "string" || !/^\w+$/.test(name)) {
    throw new ProjectError(
      "invalid dbt_project.yml at name: must be letters, digits and underscores",
      { file },
    );
  }
  return name;
}

/**
 * Reads dbt_project.yml, rendering its Jinja as dbt does (everything but vars, run hooks and
 * model hooks) with `render`.
 */
export function parseDbtProjectFile(
  text: string,
  file: string,
  render: (text: string, keypath: Keypath) => unknown,
): DbtProjectFile {
  const yaml = parseYamlFile(text, file);
  let rendered: unknown;
  try {
    rendered = renderYamlTree(yaml.value, renderedInProjectFile, render);
  } catch (error) {
    if (error instanceof ProjectError)
      throw new ProjectError(
        error.problem,
        { file: error.file || file, line: error.line },
        error.fix,
      );
    throw error;
  }
  const parsed = projectSchema.safeParse(rendered);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "top level";
    throw new ProjectError(`invalid dbt_project.yml at ${where}: ${issue?.message}`, { file });
  }
  const project = parsed.data;
  const quoting = project.quoting ?? {};
  return {
    name: project.name,
    // dbt < 1.0 called these source-paths, data-paths and modules-path.
    modelPaths: cleanPaths(project["model-paths"] ?? project["source-paths"] ?? ["models"]),
    macroPaths: cleanPaths(project["macro-paths"] ?? ["macros"]),
    seedPaths: cleanPaths(project["seed-paths"] ?? project["data-paths"] ?? ["seeds"]),
    packagesInstallPath: cleanPaths([
      project["packages-install-path"] ?? project["modules-path"] ?? "dbt_packages",
    ])[0]!,
    vars: scopedVars(project.vars ?? {}, project.name),
    models: ownSubtree(project.models ?? {}, project.name),
    seeds: ownSubtree(project.seeds ?? {}, project.name),
    quoting: {
      ...(typeof quoting.database === "boolean" ? { database: quoting.database } : {}),
      ...(typeof quoting.schema === "boolean" ? { schema: quoting.schema } : {}),
      ...(typeof quoting.identifier === "boolean" ? { identifier: quoting.identifier } : {}),
    },
    dispatch: new Map(
      (project.dispatch ?? []).map((entry) => [entry.macro_namespace, entry.search_order]),
    ),
    warnings: yaml.warnings,
  };
}

function cleanPaths(paths: string[]): string[] {
  return paths.map((p) => p.replace(/^\.\//, "").replace(/\/+$/, ""));
}

/**
 * dbt lets vars be scoped to a package: `vars: {my_project: {x: 1}}`. A key naming this project
 * holds this project's vars, which win over the global ones.
 */
function scopedVars(vars: Record<string, unknown>, projectName: string): Record<string, unknown> {
  const { [projectName]: own, ...global } = vars;
  return isRecord(own) ? { ...global, ...own } : vars;
}

/**
 * The tree under `models:` is keyed by package name. Configs at the top apply to every package;
 * other packages' subtrees do not concern us since we load only this project's models.
 */
function ownSubtree(tree: Record<string, unknown>, projectName: string): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith("+") || !isRecord(value)) top[key] = value;
  }
  const own = tree[projectName];
  return isRecord(own) ? { ...top, ...own } : top;
}
