import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseView, DbtProject } from "../../src/project/index.js";
import { ProjectError } from "../../src/project/index.js";
import { GLOBAL_PROJECT_SOURCE } from "../../src/project/packages/global-project.js";
import { load, repoWith } from "../project/helpers.js";
import type { CorpusProject } from "./projects.js";

/** Renders corpus projects with the product and with the Python reference. */
const REFERENCE = fileURLToPath(new URL("./reference/dbt_reference.py", import.meta.url));
const DBT_UTILS = fileURLToPath(new URL("../fixtures/dbt/dbt_utils", import.meta.url));
const RUN_STARTED_AT = new Date("2024-05-17T08:30:15.123Z");
const INVOCATION_ID = "00000000-1111-2222-3333-444444444444";

export type Rendered = Record<string, { sql: string } | { error: string }>;

function packageFiles(dir: string, prefix = ""): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(files, packageFiles(full, `${prefix}${name}/`));
    else if (name.endsWith(".sql")) files[`${prefix}${name}`] = readFileSync(full, "utf8");
  }
  return files;
}

function catalogView(corpus: CorpusProject): DatabaseView | undefined {
  if (!corpus.catalog) return undefined;
  const find = (schema: string, name: string) =>
    corpus.catalog!.relations.find(
      (relation) => relation.schema === schema && relation.name === name,
    );
  return {
    relation: (schema, name) => find(schema, name),
    columns: (schema, name) =>
      find(schema, name)?.columns.map((column) => ({ name: column.name, dataType: column.type })),
    relationsIn: (schema) =>
      corpus.catalog!.relations.filter((relation) => relation.schema === schema),
  };
}

export async function renderWithProduct(corpus: CorpusProject): Promise<Rendered> {
  const repo = repoWith(corpus.files);
  try {
    if (corpus.dbtUtils)
      cpSync(DBT_UTILS, path.join(repo.root, "dbt_packages/dbt_utils"), { recursive: true });
    const project: DbtProject = await load(repo, {
      vars: corpus.vars ?? {},
      env: corpus.env ?? {},
      targetName: corpus.targetName,
      connection: { database: "dev" },
      run: { startedAt: RUN_STARTED_AT, invocationId: INVOCATION_ID },
      ...(corpus.catalog ? { database: catalogView(corpus) } : {}),
    });
    const out: Rendered = {};
    for (const failure of project.failures.values())
      out[failure.name] = { error: failure.error.message };
    for (const model of project.models.values()) {
      try {
        out[model.name] = { sql: model.sql };
      } catch (error) {
        if (!(error instanceof ProjectError)) throw error;
        out[model.name] = { error: error.message };
      }
    }
    return out;
  } finally {
    repo.dispose();
  }
}

export function renderWithReference(projects: CorpusProject[]): Rendered[] {
  const requests = projects.map((corpus) => ({
    project: { files: corpus.files },
    packages: corpus.dbtUtils ? { dbt_utils: packageFiles(path.join(DBT_UTILS, "macros")) } : {},
    global_project: GLOBAL_PROJECT_SOURCE,
    target: {
      name: corpus.targetName ?? "default",
      schema: "public",
      type: "risingwave",
      database: "dev",
    },
    vars: corpus.vars ?? {},
    env: corpus.env ?? {},
    run_started_at: RUN_STARTED_AT.toISOString(),
    invocation_id: INVOCATION_ID,
    catalog: corpus.catalog,
  }));
  const stdout = execFileSync("python3", [REFERENCE], {
    input: JSON.stringify(requests),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Rendered[];
}
