import { z } from "zod";
import { ProjectError } from "./errors.js";
import { isRecord, parseYamlFile } from "./yaml-file.js";

/** What we use of dbt_project.yml. Paths are relative to the project directory. */
export interface DbtProjectFile {
  name: string;
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
  /** Project vars: the global ones overlaid with those scoped to this project's name. */
  vars: Record<string, unknown>;
  /** The `models:` tree below this project's name (configs at the very top included). */
  models: Record<string, unknown>;
  seeds: Record<string, unknown>;
}

const pathList = z.array(z.string()).optional();

const projectSchema = z.looseObject({
  name: z.string().regex(/^\w+$/, "must be letters, digits and underscores"),
  "model-paths": pathList,
  "source-paths": pathList,
  "macro-paths": pathList,
  "seed-paths": pathList,
  "data-paths": pathList,
  vars: z.record(z.string(), z.unknown()).nullish(),
  models: z.record(z.string(), z.unknown()).nullish(),
  seeds: z.record(z.string(), z.unknown()).nullish(),
});

export function parseDbtProjectFile(text: string, file: string): DbtProjectFile {
  const parsed = projectSchema.safeParse(parseYamlFile(text, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "top level";
    throw new ProjectError(`invalid dbt_project.yml at ${where}: ${issue?.message}`, { file });
  }
  const project = parsed.data;
  return {
    name: project.name,
    // dbt < 1.0 called these source-paths and data-paths.
    modelPaths: cleanPaths(project["model-paths"] ?? project["source-paths"] ?? ["models"]),
    macroPaths: cleanPaths(project["macro-paths"] ?? ["macros"]),
    seedPaths: cleanPaths(project["seed-paths"] ?? project["data-paths"] ?? ["seeds"]),
    vars: scopedVars(project.vars ?? {}, project.name),
    models: ownSubtree(project.models ?? {}, project.name),
    seeds: ownSubtree(project.seeds ?? {}, project.name),
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
 * other packages' subtrees do not concern us since we load only this project.
 */
function ownSubtree(tree: Record<string, unknown>, projectName: string): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith("+") || !isRecord(value)) top[key] = value;
  }
  const own = tree[projectName];
  return isRecord(own) ? { ...top, ...own } : top;
}
