import { cpSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRepo,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

const DBT_UTILS = fileURLToPath(new URL("../fixtures/dbt/dbt_utils", import.meta.url));

/**
 * A project that uses dbt_utils from dbt_packages/ (installed as `dbt deps` would, next to the
 * checkout and outside git) plans and deploys through dist/index.js; star() reads the source's
 * columns from the live catalog; a macro file with a materialization block stops nothing.
 */
describe("a project with dbt packages, through dist/index.js", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    await target.query("CREATE SCHEMA IF NOT EXISTS pkg_raw");
    await target.query("CREATE TABLE pkg_raw.events (id int, kind varchar, secret text)");
    await target.query("INSERT INTO pkg_raw.events VALUES (1, 'a', 's'), (2, 'b', 't')");
    repo = createRepo({
      files: {
        "dbt_project.yml": "name: shop\nmodels:\n  shop:\n    +materialized: materialized_view\n",
        "packages.yml": 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0"]\n',
        "models/sources.yml":
          "sources:\n  - name: raw\n    schema: pkg_raw\n    tables:\n      - name: events\n",
        "models/events_clean.sql": [
          "select {{ dbt_utils.star(source('raw', 'events'), except=['secret']) }},",
          "  {{ dbt_utils.generate_surrogate_key(['id', 'kind']) }} as event_key",
          "from {{ source('raw', 'events') }}",
        ].join("\n"),
        "macros/materializations.sql": [
          "{% materialization materialized_view, adapter='risingwave' %}",
          "  {{ return({'relations': []}) }}",
          "{% endmaterialization %}",
        ].join("\n"),
      },
    });
    cpSync(DBT_UTILS, path.join(repo.dir, "dbt_packages/dbt_utils"), { recursive: true });
  });
  afterAll(async () => {
    await target?.close();
    repo?.remove();
  });

  it("deploys a model built with dbt_utils.star, whose columns come from the catalog", async () => {
    const result = await runAction({
      repo,
      inputs: { "database-url": target.url, models: "all", comment: "false" },
      event: workflowDispatchEvent(),
    });
    expect(result.exitCode, result.log).toBe(0);
    const plan = JSON.parse(result.outputs.plan ?? "{}") as { models: { statements: string[] }[] };
    const create = plan.models[0]!.statements.find((sql) =>
      sql.startsWith("CREATE MATERIALIZED VIEW"),
    )!;
    expect(create).toContain('select "id",\n    "kind",\n  md5(cast(coalesce(cast(id as TEXT)');
    expect(create).not.toContain("secret");
    const rows = await target.query<{ id: number; kind: string }>(
      "SELECT id, kind FROM public.events_clean ORDER BY id",
    );
    expect(rows).toEqual([
      { id: 1, kind: "a" },
      { id: 2, kind: "b" },
    ]);
  });

  it("offline, the same model fails alone with a note that it needs a database", async () => {
    const result = await runAction({
      repo,
      inputs: { models: "all", "dry-run": "true", comment: "false" },
      event: workflowDispatchEvent(),
    });
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain("needs a database connection to render");
    expect(result.log).toMatch(
      /::error title=model events_clean cannot be built,file=dbt_packages\/dbt_utils\/macros\/sql\.sql/,
    );
  });
});
