// Part 2: what one dry-run deploy of the real bundle (dist/index.js, run as the Actions runner
// runs it) sends to the database, for projects of simple MVs over one table. Catalog reads must
// not grow with the model count; EXPLAINs do by design (one per planned model).
import { performance } from "node:perf_hooks";
import { firstLine, logTail, oneLine } from "./text.mjs";

/** A dbt project of `size` MVs named m0…m<size-1>, each a simple query over public.events. */
export function simpleProjectFiles(size) {
  const files = {
    "dbt_project.yml": [
      "name: bench",
      "models:",
      "  bench:",
      "    +materialized: materialized_view",
      "",
    ].join("\n"),
    "models/sources.yml": [
      "version: 2",
      "sources:",
      "  - name: raw",
      "    schema: public",
      "    tables:",
      "      - name: events",
      "",
    ].join("\n"),
  };
  for (let i = 0; i < size; i++) {
    files[`models/m${i}.sql`] =
      `select id, v + ${i} as v\nfrom {{ source('raw', 'events') }}\nwhere id % 10 = ${i % 10}\n`;
  }
  return files;
}

const CATALOG = /\brw_catalog\./i;
const EXPLAIN = /^\s*EXPLAIN\b/i;
const WRITES = /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|INSERT|UPDATE|DELETE|TRUNCATE)\b/i;

export async function benchCatalogQueries(support, upstream, api, sizes, timeoutMs, progress) {
  const rows = [];
  for (const size of sizes) {
    progress(`part 2: dry run of ${size} models through dist/index.js`);
    const target = await support.openTargetOn(upstream.info);
    const repo = support.createRepo({ files: simpleProjectFiles(size) });
    try {
      await target.query("CREATE TABLE public.events (id int, v int)");
      target.clearStatements();
      const started = performance.now();
      const result = await support.runAction({
        repo,
        api,
        inputs: { "database-url": target.url, "dry-run": "true", models: "all", comment: "false" },
        event: support.workflowDispatchEvent(),
        timeoutMs: timeoutMs(size),
      });
      const wallMs = performance.now() - started;
      const statements = target.statements();
      const plan = JSON.parse(result.outputs.plan ?? '{"models":[]}');
      const row = {
        size,
        exitCode: result.exitCode,
        wallMs,
        planned: plan.models.length,
        total: statements.length,
        catalog: statements.filter((sql) => CATALOG.test(sql)).length,
        explain: statements.filter((sql) => EXPLAIN.test(sql)).length,
        writes: statements.filter((sql) => WRITES.test(sql)).length,
        catalogTexts: [...new Set(statements.filter((sql) => CATALOG.test(sql)))].map(oneLine),
      };
      row.other = row.total - row.catalog - row.explain;
      if (result.exitCode !== 0)
        row.error = `dist/index.js exited ${result.exitCode}: ${logTail(result.log)}`;
      rows.push(row);
    } catch (error) {
      rows.push({ size, error: firstLine(error) });
    } finally {
      repo.remove();
      await target.close();
    }
  }
  return rows;
}
