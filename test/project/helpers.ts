import { expect } from "vitest";
import { loadProject, ProjectError } from "../../src/project/index.js";
import type { DbtProject, LoadOptions } from "../../src/project/types.js";
import { GitRepo } from "./git-repo.js";

export const MINIMAL_PROJECT =
  "name: demo\nmodels:\n  demo:\n    +materialized: materialized_view\n";

/** A repository holding the given files (dbt_project.yml defaults to a minimal one), committed. */
export function repoWith(files: Record<string, string>): GitRepo {
  const repo = GitRepo.empty();
  repo.write("dbt_project.yml", MINIMAL_PROJECT);
  for (const [file, content] of Object.entries(files)) repo.write(file, content);
  repo.commit("base");
  return repo;
}

export function load(repo: GitRepo, options: Partial<LoadOptions> = {}): Promise<DbtProject> {
  return loadProject({
    repoRoot: repo.root,
    projectDir: ".",
    targetSchema: "public",
    vars: {},
    env: {},
    ...options,
  });
}

/**
 * The first ProjectError a load meets: the load's own, or else the first model that fails (when
 * loading, or when its SQL or hooks are rendered).
 */
export async function loadError(
  repo: GitRepo,
  options: Partial<LoadOptions> = {},
): Promise<ProjectError> {
  const error = await load(repo, options).then(
    (project) => firstModelError(project),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ProjectError);
  return error as ProjectError;
}

/** A model's failure, from loading or from rendering its SQL and hooks. */
export function firstModelError(project: DbtProject): ProjectError | undefined {
  const [failure] = project.failures.values();
  if (failure) return failure.error;
  for (const model of project.models.values()) {
    try {
      void model.sql;
      void model.hookSql;
    } catch (error) {
      if (error instanceof ProjectError) return error;
      throw error;
    }
  }
  return undefined;
}

/** The rendered SQL of one model of a one-file project. */
export async function renderOne(
  sql: string,
  extraFiles: Record<string, string> = {},
  options: Partial<LoadOptions> = {},
): Promise<string> {
  const repo = repoWith({ "models/m.sql": sql, ...extraFiles });
  try {
    return (await load(repo, options)).models.get("m")!.sql;
  } finally {
    repo.dispose();
  }
}
