import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

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
