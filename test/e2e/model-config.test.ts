import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createRepo,
  pullRequestEvent,
  pushEvent,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

const PROJECT = `name: configs
version: "1.0.0"
config-version: 2
model-paths: ["models"]
models:
  configs:
    +materialized: materialized_view
`;

const SOURCES =
  "version: 2\nsources:\n  - name: app\n    schema: public\n    tables:\n      - name: events\n      - name: kinds\n";

const WRITES = /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|SET)\b/i;

describe("model configs through dist/index.js", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;

  const deploy = (inputs: Record<string, string>, before?: string) =>
    runAction({
      repo,
      inputs: { "database-url": target.url, comment: "false", ...inputs },
      event: before ? pushEvent({ before, after: repo.revParse() }) : workflowDispatchEvent(),
    });

  const mvId = async (name: string) =>
    (
      await target.query<{ id: number }>(
        "SELECT id FROM rw_catalog.rw_materialized_views WHERE name = $1",
        [name],
      )
    )[0]?.id;

  const mvNames = async () =>
    (
      await target.query<{ name: string }>(
        "SELECT name FROM rw_catalog.rw_materialized_views ORDER BY name",
      )
    ).map((row) => row.name);

  const indexesOf = async (mv: string) =>
    (
      await target.query<{ name: string; definition: string }>(
        `SELECT i.name, i.definition FROM rw_catalog.rw_indexes i
           JOIN rw_catalog.rw_materialized_views m ON m.id = i.primary_table_id
          WHERE m.name = $1 ORDER BY i.name`,
        [mv],
      )
    ).map((row) => row.name);

  const canRead = async (role: string, relation: string) =>
    (
      await target.query<{ allowed: boolean }>(
        "SELECT has_table_privilege($1, $2, 'SELECT') AS allowed",
        [role, relation],
      )
    )[0]?.allowed;

  beforeEach(async () => {
    target = await openRisingWaveTarget();
    await target.query("CREATE TABLE public.events (id INT, kind VARCHAR)");
    await target.query("CREATE TABLE public.kinds (kind VARCHAR, label VARCHAR)");
    await target.query("INSERT INTO public.events VALUES (1, 'a'), (2, 'b'), (3, 'b')");
  });
  afterEach(async () => {
    await target?.close();
    repo?.remove();
  });

  it("applies a change of only indexes, grants and comments in place: no temp, the same MV", async () => {
    const suffix = randomBytes(3).toString("hex");
    const [before, after, bystander] = [`old_${suffix}`, `new_${suffix}`, `hand_${suffix}`];
    for (const role of [before, after, bystander]) await target.query(`CREATE USER ${role}`);
    const sql = "select kind, count(*) as n from {{ source('app', 'events') }} group by kind";
    const model = (indexes: string, reader: string) =>
      `{{ config(zero_downtime={'enabled': True}, indexes=${indexes}, grants={'select': ['${reader}']}) }}\n${sql}`;
    const docs = (description: string) =>
      `version: 2\nmodels:\n  - name: totals\n    description: ${description}\n    config:\n      persist_docs: {relation: true}\n`;
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/sources.yml": SOURCES,
        "models/totals.sql": model("[{'columns': ['kind']}, {'columns': ['n']}]", before),
        "models/totals.yml": docs("Events per kind."),
      },
    });
    const first = await deploy({ models: "totals" });
    expect(first.exitCode, first.log).toBe(0);
    // Grants made outside dbt stay, and so does a hand-made index.
    await target.query(`GRANT SELECT ON public.totals TO ${bystander}`);
    await target.query("CREATE INDEX totals_by_n ON public.totals (n)");
    const id = await mvId("totals");
    const base = repo.revParse();
    const head = repo.commit(
      {
        "models/totals.sql": model(
          "[{'columns': ['kind'], 'include': ['n']}, {'columns': ['n', 'kind']}]",
          after,
        ),
        "models/totals.yml": docs("Events per kind, counted."),
      },
      "indexes, grants and description",
    );

    target.clearStatements();
    const dry = await runAction({
      repo,
      inputs: { "database-url": target.url, comment: "false" },
      event: pullRequestEvent({ number: 3, baseSha: base, headSha: head }),
    });
    expect(dry.exitCode, dry.log).toBe(0);
    expect(target.statements().filter((statement) => WRITES.test(statement))).toEqual([]);
    const planned = JSON.parse(dry.outputs.plan ?? "{}").models[0];
    expect(planned).toMatchObject({ model: "totals", action: "in-place", targetId: id });
    expect(planned.tempRelation).toBeUndefined();
    const statements: string[] = planned.statements;
    expect(statements).toEqual([
      'CREATE INDEX "__dbt_replacing_index_totals_1" ON "public"."totals" ("kind") INCLUDE ("n")',
      'CREATE INDEX "__dbt_index_totals_n_kind" ON "public"."totals" ("n", "kind")',
      'DROP INDEX "public"."__dbt_index_totals_kind"',
      'DROP INDEX "public"."__dbt_index_totals_n"',
      'ALTER INDEX "public"."__dbt_replacing_index_totals_1" RENAME TO "__dbt_index_totals_kind"',
      `GRANT SELECT ON MATERIALIZED VIEW "public"."totals" TO "${after}"`,
      `REVOKE SELECT ON MATERIALIZED VIEW "public"."totals" FROM "${before}"`,
      `COMMENT ON TABLE "public"."totals" IS 'Events per kind, counted.'`,
    ]);
    for (const statement of statements) expect(dry.summary).toContain(statement);
    expect(await indexesOf("totals")).toEqual([
      "__dbt_index_totals_kind",
      "__dbt_index_totals_n",
      "totals_by_n",
    ]);
    expect(await canRead(before, "public.totals")).toBe(true);

    const result = await deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.plan ?? "{}").models[0].action).toBe("in-place");
    expect(await mvId("totals")).toBe(id);
    expect(await mvNames()).toEqual(["totals"]);
    expect(await indexesOf("totals")).toEqual([
      "__dbt_index_totals_kind",
      "__dbt_index_totals_n_kind",
      "totals_by_n",
    ]);
    const [kindIndex] = await target.query<{ definition: string }>(
      "SELECT definition FROM rw_catalog.rw_indexes WHERE name = '__dbt_index_totals_kind'",
    );
    expect(kindIndex?.definition).toMatch(/\(kind\) INCLUDE \(n\)/);
    expect(await canRead(after, "public.totals")).toBe(true);
    expect(await canRead(before, "public.totals")).toBe(false);
    expect(await canRead(bystander, "public.totals")).toBe(true);
    const [comment] = await target.query<{ text: string }>(
      "SELECT obj_description('public.totals'::regclass, 'pg_class') AS text",
    );
    expect(comment?.text).toBe("Events per kind, counted.");

    // The same revision again: the MV is as its config says, so nothing but the lock is written.
    target.clearStatements();
    const again = await deploy({}, base);
    expect(again.exitCode, again.log).toBe(0);
    expect(JSON.parse(again.outputs.plan ?? "{}").models[0]).toMatchObject({
      action: "in-place",
      statements: [],
    });
    expect(
      target
        .statements()
        .filter((statement) => WRITES.test(statement) && !statement.includes("deploy_lock")),
    ).toEqual([]);
  });

  it("honours on_configuration_change: 'continue' leaves an index change out, 'fail' refuses it before any DDL", async () => {
    const sql = "select kind, count(*) as n from {{ source('app', 'events') }} group by kind";
    const model = (columns: string, onChange: string) =>
      `{{ config(indexes=[{'columns': ${columns}}], on_configuration_change='${onChange}') }}\n${sql}`;
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/sources.yml": SOURCES,
        "models/totals.sql": model("['kind']", "fail"),
      },
    });
    const first = await deploy({ models: "totals" });
    expect(first.exitCode, first.log).toBe(0);
    const id = await mvId("totals");
    const before = await indexesOf("totals");
    expect(before).toEqual(["__dbt_index_totals_kind"]);

    // Each push below is planned against the last commit that deployed.
    const base = repo.revParse();
    repo.commit({ "models/totals.sql": model("['n']", "fail") }, "index on n, fail");
    target.clearStatements();
    const refused = await deploy({}, base);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.log).toContain("on_configuration_change is 'fail'");
    expect(
      target
        .statements()
        .filter((statement) => WRITES.test(statement) && !statement.includes("deploy_lock")),
    ).toEqual([]);
    expect(await indexesOf("totals")).toEqual(before);

    repo.commit({ "models/totals.sql": model("['n']", "continue") }, "index on n, continue");
    const continued = await deploy({}, base);
    expect(continued.exitCode, continued.log).toBe(0);
    expect(continued.log).toContain("on_configuration_change is 'continue'");
    expect(await indexesOf("totals")).toEqual(before);
    expect(await mvId("totals")).toBe(id);

    repo.commit({ "models/totals.sql": model("['n']", "apply") }, "index on n, apply");
    const applied = await deploy({}, base);
    expect(applied.exitCode, applied.log).toBe(0);
    expect(await indexesOf("totals")).toEqual(["__dbt_index_totals_n"]);
    expect(await mvId("totals")).toBe(id);
  });

  it("sets a model's RisingWave settings on the connection of its CREATE, resets them after, and renders backfill_order and index options", async () => {
    await target.setReportedVersion("2.8.0");
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/sources.yml": SOURCES,
        "models/labelled.sql": `{{ config(
    streaming_parallelism=2,
    backfill_rate_limit=500,
    enable_serverless_backfill=false,
    streaming_parallelism_for_backfill='adaptive',
    backfill_order=['public.kinds -> public.events'],
    indexes=[{'columns': ['kind'], 'include': ['label'], 'distributed_by': ['kind']}],
    streaming_paralelism=3
) }}
select e.id, e.kind, k.label from {{ source('app', 'events') }} e join {{ source('app', 'kinds') }} k on k.kind = e.kind`,
      },
    });
    target.clearStatements();
    const result = await deploy({ models: "labelled" });
    expect(result.exitCode, result.log).toBe(0);

    const sent = target.statementsByConnection();
    const at = (pattern: RegExp) => sent.findIndex((statement) => pattern.test(statement.sql));
    const create = at(/^CREATE MATERIALIZED VIEW "public"\."labelled"/);
    expect(sent[create]?.sql).toContain(
      'WITH (backfill_order = FIXED("public"."kinds" -> "public"."events")) AS select',
    );
    const index = at(/^CREATE INDEX "__dbt_index_labelled_kind"/);
    expect(sent[index]?.sql).toBe(
      'CREATE INDEX "__dbt_index_labelled_kind" ON "public"."labelled" ("kind") INCLUDE ("label") DISTRIBUTED BY ("kind")',
    );
    const settings = [
      ["streaming_parallelism", "2"],
      ["streaming_parallelism_for_backfill", "'adaptive'"],
      ["enable_serverless_backfill", "false"],
      ["backfill_rate_limit", "500"],
    ];
    for (const [name, value] of settings) {
      const set = at(new RegExp(`^SET ${name} = ${value}$`));
      const reset = at(new RegExp(`^SET ${name} = DEFAULT$`));
      expect(set, name).toBeGreaterThan(-1);
      expect(set, name).toBeLessThan(create);
      expect(reset, name).toBeGreaterThan(index);
      expect(
        new Set([sent[set], sent[create], sent[index], sent[reset]].map((s) => s?.connection)).size,
      ).toBe(1);
    }
    const [definition] = await target.query<{ definition: string }>(
      "SELECT definition FROM rw_catalog.rw_indexes WHERE name = '__dbt_index_labelled_kind'",
    );
    expect(definition?.definition).toMatch(/INCLUDE \(label\) DISTRIBUTED BY \("kind"\)$/);
    const warnings = JSON.parse(result.outputs.plan ?? "{}").warnings as string[];
    expect(warnings).toContainEqual(
      expect.stringContaining("config streaming_paralelism is not a dbt or dbt-risingwave setting"),
    );
    expect(result.log).toContain("streaming_paralelism");
    expect(result.summary.replaceAll("\\_", "_")).toContain("streaming_paralelism");
  });

  it("refuses hostile or ill-typed setting values and settings the server lacks, before any DDL", async () => {
    const model = (settings: string) =>
      `{{ config(${settings}) }}\nselect kind, count(*) as n from {{ source('app', 'events') }} group by kind`;
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/sources.yml": SOURCES,
        "models/totals.sql": model("backfill_rate_limit='1; DROP TABLE public.events'"),
      },
    });
    target.clearStatements();
    const hostile = await deploy({ models: "totals" });
    expect(hostile.exitCode).toBe(1);
    expect(hostile.log).toContain("config backfill_rate_limit has an invalid value");
    expect(target.statements().filter((statement) => WRITES.test(statement))).toEqual([]);

    for (const settings of [
      "backfill_order=['public.events -> public.kinds); DROP TABLE public.events; --']",
      "streaming_parallelism='adaptive; DROP TABLE public.events'",
      "enable_serverless_backfill='true'",
    ]) {
      repo.commit({ "models/totals.sql": model(settings) }, settings);
      const refused = await deploy({ models: "totals" });
      expect(refused.exitCode, settings).toBe(1);
      expect(refused.log, settings).toMatch(
        /config (backfill_order|streaming_parallelism|enable_serverless_backfill)/,
      );
    }
    // 2.6 has no enable_serverless_backfill (session_config/mod.rs @v2.6.0).
    repo.commit({ "models/totals.sql": model("enable_serverless_backfill=true") }, "newer setting");
    const older = await deploy({ models: "totals" });
    expect(older.exitCode).toBe(1);
    expect(older.log).toContain("config enable_serverless_backfill needs RisingWave 2.8 or newer");
    expect(target.statements().filter((statement) => WRITES.test(statement))).toEqual([]);
    expect(await mvNames()).toEqual([]);
  });

  it("never drops a model whose config says full_refresh: false, and says why", async () => {
    repo = createRepo({
      files: {
        "dbt_project.yml": PROJECT,
        "models/sources.yml": SOURCES,
        "models/kept.sql": `{{ config(full_refresh=false) }}
select kind, count(*) as n from {{ source('app', 'events') }} group by kind`,
        "models/redone.sql": `select id from {{ source('app', 'events') }}`,
      },
    });
    const first = await deploy({ models: "kept,redone" });
    expect(first.exitCode, first.log).toBe(0);
    const kept = await mvId("kept");
    const redone = await mvId("redone");

    target.clearStatements();
    const result = await deploy({ models: "kept,redone", "full-refresh": "true" });
    expect(result.exitCode, result.log).toBe(0);
    const plan = JSON.parse(result.outputs.plan ?? "{}");
    const entry = (name: string) =>
      plan.models.find((model: { model: string }) => model.model === name);
    expect(entry("redone").action).toBe("full-refresh");
    expect(entry("kept").action).toBe("skip");
    expect(entry("kept").reason).toContain("full_refresh: false in its config");
    expect(entry("kept").mayDrop).toEqual([]);
    expect(await mvId("redone")).not.toBe(redone);
    expect(await mvId("kept")).toBe(kept);
    expect(target.statements().some((statement) => /DROP .*"kept"/.test(statement))).toBe(false);
    expect(result.summary.replaceAll("\\_", "_")).toContain("full_refresh: false");
  });
});
