import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createRepo,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import type { GitHubApi } from "../support/github-api/index.js";
import type { RisingWaveTarget } from "../support/risingwave/target.js";

const exampleDir = fileURLToPath(new URL("../../examples/shop", import.meta.url));

/** The example dbt project's files, keyed by path relative to it, to commit into a temp repo. */
export function exampleProjectFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(exampleDir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(exampleDir);
  return files;
}

/** Statements of the example's setup.sql, one per call as the product itself sends them. */
export function exampleSetupStatements(): string[] {
  return readFileSync(join(exampleDir, "setup.sql"), "utf8")
    .split(/;\s*\n/)
    .map((statement) => statement.replace(/^--.*$/gm, "").trim())
    .filter((statement) => statement !== "");
}

/** The change the demo and the tests make: customer_totals gains a column. */
export const CUSTOMER_TOTALS_V2 = `{{ config(indexes=[{'columns': ['customer_id']}]) }}

select
  customer_id,
  count(*) as order_count,
  sum(amount) as total_amount,
  max(amount) as largest_order
from {{ ref('stg_orders') }}
group by customer_id
`;

/**
 * The example deployed once with `models: all` from a new repository, then a `feature` branch
 * checked out for the change under test; `base` is the deployed commit.
 */
export async function deployExampleBase(
  target: RisingWaveTarget,
  api: GitHubApi,
): Promise<{ repo: TempRepo; base: string }> {
  for (const statement of exampleSetupStatements()) await target.query(statement);
  const repo = createRepo({ files: exampleProjectFiles() });
  const first = await runAction({
    repo,
    api,
    inputs: { "database-url": target.url, models: "all" },
    event: workflowDispatchEvent(),
  });
  if (first.exitCode !== 0) throw new Error(`the example's first deploy failed:\n${first.log}`);
  const base = repo.revParse();
  repo.checkout("feature", { create: true });
  return { repo, base };
}
