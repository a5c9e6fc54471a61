import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createRepo,
  pushEvent,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

const PROJECT = `name: rules
version: "1.0.0"
config-version: 2
model-paths: ["models"]
models:
  rules:
    +materialized: materialized_view
`;

const DDL = /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|SET\s+BACKGROUND_DDL)\b/i;

function ddlOf(statements: string[]): string[] {
  return statements.filter((sql) => DDL.test(sql));
}

describe("deploy rules through dist/index.js", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;

  const deploy = (inputs: Record<string, string>, before?: string) =>
    runAction({
      repo,
      inputs: { "database-url": target.url, comment: "false", ...inputs },
      event: before ? pushEvent({ before, after: repo.revParse() }) : workflowDispatchEvent(),
    });

  const relationNames = async () =>
    (
      await target.query<{ name: string }>(
        `SELECT r.name FROM rw_catalog.rw_relations r JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
          WHERE s.name = 'public' ORDER BY r.name`,
      )
    ).map((row) => row.name);

  beforeEach(async () => {
    target = await openRisingWaveTarget();
    await target.query("CREATE TABLE public.events (id INT, kind VARCHAR)");
    await target.query("INSERT INTO public.events VALUES (1, 'a'), (2, 'b'), (3, 'b')");
  });
  afterEach(async () => {
    await target?.close();
    repo?.remove();
  });

  it("re-applies grants and comments to the new version and drops the old one with immediate_cleanup", async () => {
    const role = `reporter_${randomBytes(4).toString("hex")}`;
    await target.query(`CREATE USER ${role}`);
    const model = (
      extra: string,
    ) => `{{ config(zero_downtime={'enabled': True, 'immediate_cleanup': True}, grants={'select': ['${role}']}) }}
select kind, count(*) as n${extra} from {{ source('app', 'events') }} group by kind`;
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/sources.yml":
          "version: 2\nsources:\n  - name: app\n    schema: public\n    tables:\n      - name: events\n",
        "models/kinds.sql": model(""),
        "models/kinds.yml": `version: 2
models:
  - name: kinds
    description: Events per kind.
    config:
      persist_docs: {relation: true, columns: true}
    columns:
      - name: kind
        description: The event kind.
`,
      },
    });
    const first = await deploy({ models: "all" });
    expect(first.exitCode, first.log).toBe(0);
    const base = repo.revParse();
    repo.commit({ "models/kinds.sql": model(", max(id) as last_id") }, "add last_id");

    const result = await deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    const plan = JSON.parse(result.outputs.plan ?? "{}");
    expect(plan.models[0]).toMatchObject({
      model: "kinds",
      action: "zero-downtime",
      immediateCleanup: true,
    });
    expect(JSON.parse(result.outputs["dropped-temp-mvs"] ?? "[]")).toEqual([
      plan.models[0].tempRelation,
    ]);
    expect(result.log).toContain(
      `Immediately cleaning up temporary materialized view: "public"."${plan.models[0].tempRelation.slice("public.".length)}"`,
    );
    expect(await relationNames()).toEqual(["events", "kinds"]);

    const rows = await target.query<{ kind: string; last_id: number }>(
      "SELECT kind, last_id FROM public.kinds ORDER BY kind",
    );
    expect(rows).toEqual([
      { kind: "a", last_id: 1 },
      { kind: "b", last_id: 3 },
    ]);
    const [privilege] = await target.query<{ allowed: boolean }>(
      `SELECT has_table_privilege('${role}', 'public.kinds', 'SELECT') AS allowed`,
    );
    expect(privilege?.allowed).toBe(true);
    const [comments] = await target.query<{ relation: string; kind: string }>(
      `SELECT obj_description('public.kinds'::regclass, 'pg_class') AS relation,
              col_description('public.kinds'::regclass, 1) AS kind`,
    );
    expect(comments).toEqual({ relation: "Events per kind.", kind: "The event kind." });
  });

  it("refuses new SQL RisingWave rejects before any DDL, leaving the original untouched", async () => {
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/kinds.sql":
          "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n from public.events group by kind",
      },
    });
    expect((await deploy({ models: "all" })).exitCode).toBe(0);
    const base = repo.revParse();
    repo.commit(
      {
        "models/kinds.sql":
          "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(no_such_column) as n from public.events group by kind",
      },
      "broken",
    );
    target.clearStatements();
    const result = await deploy({}, base);
    expect(result.exitCode).toBe(1);
    const failure = result.annotations.find((annotation) => annotation.level === "error");
    expect(failure?.file).toBe("models/kinds.sql");
    expect(failure?.message).toMatch(
      /^kinds: RisingWave rejects the new definition: .*no_such_column/,
    );
    expect(result.log).toContain(
      "1 problem(s) found before any DDL; see the annotations. Nothing was deployed.",
    );
    expect(ddlOf(target.statements())).toEqual([]);
    expect(await relationNames()).toEqual(["events", "kinds"]);
    const rows = await target.query<{ kind: string; n: string }>(
      "SELECT kind, n FROM public.kinds ORDER BY kind",
    );
    expect(rows.map((row) => [row.kind, Number(row.n)])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("skips a changed MV without zero_downtime, with the warning, and creates a new model", async () => {
    repo = createRepo({
      files: { "dbt_project.yml": PROJECT, "models/kinds.sql": "select kind from public.events" },
    });
    expect((await deploy({ models: "all" })).exitCode).toBe(0);
    const base = repo.revParse();
    repo.commit(
      {
        "models/kinds.sql": "select kind, id from public.events",
        "models/fresh.sql": "select id from public.events where kind = 'a'",
      },
      "change one, add one",
    );
    target.clearStatements();
    const result = await deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    const plan = JSON.parse(result.outputs.plan ?? "{}");
    expect(
      plan.models.map((model: { model: string; action: string; reason: string }) => [
        model.model,
        model.action,
        model.reason,
      ]),
    ).toEqual([
      ["fresh", "create", "new model"],
      ["kinds", "skip", "zero_downtime not enabled"],
    ]);
    const warning = result.annotations.find((annotation) => annotation.level === "warning");
    expect(warning?.message).toContain("kinds");
    expect(warning?.message).toContain("zero_downtime is not enabled");
    expect(JSON.parse(result.outputs.created ?? "[]")).toEqual(["public.fresh"]);
    expect(ddlOf(target.statements()).join("\n")).not.toMatch(/"kinds"/);
    const columns = await target.query("SELECT * FROM public.kinds LIMIT 1");
    expect(Object.keys(columns[0] ?? {})).toEqual(["kind"]);
  });

  it("refuses a full refresh before any DDL when something outside the set depends on the MV", async () => {
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/kinds.sql": "select kind, id from public.events",
      },
    });
    expect((await deploy({ models: "all" })).exitCode).toBe(0);
    await target.query(
      "CREATE MATERIALIZED VIEW public.adhoc AS SELECT count(*) AS n FROM public.kinds",
    );
    target.clearStatements();
    const result = await deploy({ models: "kinds", "full-refresh": "true" });
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain(
      "Full refresh of public.kinds refused before any DROP: public.adhoc (materialized view) read it " +
        "and would block the drop (never CASCADE); they are not dbt models, so drop them by hand first",
    );
    expect(ddlOf(target.statements())).toEqual([]);
    expect(await relationNames()).toEqual(["adhoc", "events", "kinds"]);
  });

  it("full-refreshes a model with its downstream model: leaf dropped first, root created first, no CASCADE", async () => {
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/kinds.sql": "select kind, id from public.events",
        "models/kind_counts.sql":
          "select kind, count(*) as n from {{ ref('kinds') }} group by kind",
      },
    });
    expect((await deploy({ models: "all" })).exitCode).toBe(0);
    repo.commit(
      { "models/kinds.sql": "select kind, id, id * 10 as score from public.events" },
      "score",
    );
    target.clearStatements();
    const result = await deploy({ models: "kinds+", "full-refresh": "true" });
    expect(result.exitCode, result.log).toBe(0);
    const ddl = ddlOf(target.statements()).filter((sql) => /^(DROP|CREATE) MATERIALIZED/.test(sql));
    expect(ddl.map((sql) => sql.split(" AS ")[0])).toEqual([
      'DROP MATERIALIZED VIEW IF EXISTS "public"."kind_counts"',
      'DROP MATERIALIZED VIEW IF EXISTS "public"."kinds"',
      'CREATE MATERIALIZED VIEW "public"."kinds"',
      'CREATE MATERIALIZED VIEW "public"."kind_counts"',
    ]);
    expect(target.statements().join("\n")).not.toMatch(/CASCADE/i);
    expect(JSON.parse(result.outputs.created ?? "[]")).toEqual([
      "public.kinds",
      "public.kind_counts",
    ]);
    const scores = await target.query<{ score: number }>(
      "SELECT score FROM public.kinds ORDER BY score",
    );
    expect(scores.map((row) => row.score)).toEqual([10, 20, 30]);
  });

  it("says so when a model selected by name is neither a materialized view nor a view, and deploys nothing", async () => {
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/plain.sql": "{{ config(materialized='table') }}\nselect kind from public.events",
      },
    });
    target.clearStatements();
    const result = await deploy({ models: "plain" });
    expect(result.exitCode, result.log).toBe(0);
    expect(ddlOf(target.statements())).toEqual([]);
    const warning = result.annotations.find((annotation) => annotation.level === "warning");
    expect(warning?.message).toContain(
      "models/plain.sql: plain is materialized='table', not a materialized view or view",
    );
    expect(result.log).toContain(
      "Nothing to deploy: no materialized view model was selected or changed.",
    );
  });

  it("asks for `models` or `base-ref` when the event has nothing to diff against", async () => {
    repo = createRepo({
      files: { "dbt_project.yml": PROJECT, "models/kinds.sql": "select kind from public.events" },
    });
    target.clearStatements();
    const result = await deploy({});
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain("There is no base revision to compare with");
    expect(result.log).toContain("Set the `models` input");
    expect(ddlOf(target.statements())).toEqual([]);
  });

  it("stops with a clear error and no DDL on RisingWave older than 2.2", async (context) => {
    if (target.kind !== "standin") context.skip();
    await target.setReportedVersion("2.1.3");
    repo = createRepo({
      files: { "dbt_project.yml": PROJECT, "models/kinds.sql": "select kind from public.events" },
    });
    target.clearStatements();
    const result = await deploy({ models: "all" });
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain(
      "RisingWave 2.1.3 found, but zero-downtime deploys need RisingWave 2.2.0 or newer",
    );
    expect(ddlOf(target.statements())).toEqual([]);
    expect(await relationNames()).toEqual(["events"]);
  });
});
