import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRepo,
  pullRequestEvent,
  pushEvent,
  runAction,
  workflowDispatchEvent,
} from "../support/action-runner/index.js";
import { startGitHubApi, type GitHubApi } from "../support/github-api/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { HOSTILE_PROJECT } from "./hostile-project.js";

const PROJECT = `${HOSTILE_PROJECT}    +zero_downtime: {enabled: true}
`;

const DDL = /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|SET\s+BACKGROUND_DDL)\b/i;

describe("hostile and broken input through dist/index.js", () => {
  let target: RisingWaveTarget;
  let api: GitHubApi;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    api = await startGitHubApi();
    await target.query("CREATE TABLE public.events (id INT, kind VARCHAR)");
    await target.query("INSERT INTO public.events VALUES (1, 'a'), (2, 'b')");
  });
  afterAll(async () => {
    await target?.close();
    await api?.close();
  });

  async function deployFiles(files: Record<string, string>) {
    const repo = createRepo({ files: { "dbt_project.yml": PROJECT, ...files } });
    target.clearStatements();
    try {
      const result = await runAction({
        repo,
        inputs: { "database-url": target.url, models: "all", comment: "false" },
        event: workflowDispatchEvent(),
      });
      return { result, ddl: target.statements().filter((sql) => DDL.test(sql)) };
    } finally {
      repo.remove();
    }
  }

  interface BrokenCase {
    name: string;
    files: Record<string, string>;
    file: string;
    message: RegExp;
  }

  it.each<BrokenCase>([
    {
      name: "malformed YAML",
      files: {
        "models/schema.yml": "version: 2\nmodels:\n  - name: a\n    config: {zero_downtime: [\n",
        "models/a.sql": "select 1 as x",
      },
      file: "models/schema.yml",
      message: /YAML/i,
    },
    {
      name: "a wrong config type",
      files: { "models/a.sql": "{{ config(zero_downtime='yes please') }}\nselect 1 as x" },
      file: "models/a.sql",
      message: /zero_downtime/,
    },
    {
      name: "an unknown ref",
      files: { "models/a.sql": "select * from {{ ref('nope') }}" },
      file: "models/a.sql",
      message: /nope/,
    },
    {
      name: "a ref cycle",
      files: {
        "models/a.sql": "select * from {{ ref('b') }}",
        "models/b.sql": "select * from {{ ref('a') }}",
      },
      file: "models/",
      message: /cycle/i,
    },
    {
      name: "a package that is not installed",
      files: { "models/a.sql": "select\n  {{ dbt_utils.star(this) }}\nfrom public.events" },
      file: "models/a.sql",
      message: /dbt_utils/,
    },
    {
      name: "a statement stacked after a comment's neighbourhood",
      files: { "models/a.sql": "select 1 as x -- it's fine;\n; drop table public.events" },
      file: "models/a.sql",
      message: /exactly one SQL statement/,
    },
    {
      name: "a statement stacked after a dollar-quoted string",
      files: { "models/a.sql": "select $q$ ; $q$ as x;\ngrant all on public.events to public" },
      file: "models/a.sql",
      message: /exactly one SQL statement/,
    },
    {
      name: "a stacked statement in a hook",
      files: {
        "models/a.sql":
          "{{ config(post_hook='select 1; drop table public.events') }}\nselect 1 as x",
      },
      file: "models/a.sql",
      message: /post_hook/,
    },
    {
      name: "an alias holding a double quote, which RisingWave up to 3.0.3 cannot quote",
      files: { "models/a.sql": "{{ config(alias='x\"; drop') }}\nselect 1 as x" },
      file: "models/a.sql",
      message: /double quote/,
    },
    {
      name: "a doubled quote in a quoted identifier of the model's SQL",
      files: { "models/a.sql": 'select 1 as "x"";drop"' },
      file: "models/a.sql",
      message: /doubled quote/,
    },
  ])("refuses $name with the file named and no DDL", async ({ files, file, message }) => {
    const { result, ddl } = await deployFiles(files);
    expect(result.exitCode, result.log).toBe(1);
    expect(ddl).toEqual([]);
    const errors = result.annotations.filter((annotation) => annotation.level === "error");
    const located = errors.find((annotation) => annotation.file?.startsWith(file));
    expect(located, JSON.stringify(errors)).toBeDefined();
    expect(errors.map((annotation) => annotation.message).join("\n")).toMatch(message);
    expect(await target.query("SELECT * FROM public.events")).toHaveLength(2);
  });

  it("fails a broken model alone: the others deploy, the broken one and its dependents create nothing", async () => {
    const { result, ddl } = await deployFiles({
      "models/broken.sql": "select\n  {{ dbt_utils.star(this) }}\nfrom public.events",
      "models/after_broken.sql": "select * from {{ ref('broken') }}",
      "models/fine.sql": "select kind from public.events",
    });
    expect(result.exitCode, result.log).toBe(1);
    expect(ddl.some((sql) => /CREATE MATERIALIZED VIEW "public"\."fine"/.test(sql))).toBe(true);
    expect(ddl.some((sql) => /broken/.test(sql))).toBe(false);
    const errors = result.annotations.filter((annotation) => annotation.level === "error");
    expect(errors.map((annotation) => `${annotation.file}:${annotation.line}`)).toEqual(
      expect.arrayContaining(["models/broken.sql:2", "models/after_broken.sql:1"]),
    );
    const relations = await target.query(
      "SELECT name FROM rw_catalog.rw_materialized_views WHERE name IN ('fine', 'broken', 'after_broken') ORDER BY name",
    );
    expect(relations).toEqual([{ name: "fine" }]);
  });

  it("accepts ';' inside strings, comments and dollar quotes", async () => {
    const { result } = await deployFiles({
      "models/semis.sql":
        "select 'a;b' as s, $d$ ; $d$ as d, 1 as \"x;y\" -- trailing; comment\n/* ; */",
    });
    expect(result.exitCode, result.log).toBe(0);
    const rows = await target.query('SELECT s, d, "x;y" FROM public.semis');
    expect(rows).toEqual([{ s: "a;b", d: " ; ", "x;y": 1 }]);
  });

  it("deploys and swaps models whose names and schemas hold quotes, spaces, unicode and keywords", async () => {
    const files = {
      "dbt_project.yml": PROJECT,
      "models/select.sql":
        "{{ config(alias='Sales \\'Q1\\' ünï', schema='Ops Team') }}\nselect kind from public.events",
      "models/order.sql": "select * from {{ ref('select') }}",
    };
    const repo = createRepo({ files });
    try {
      const first = await runAction({
        repo,
        inputs: { "database-url": target.url, models: "all", comment: "false" },
        event: workflowDispatchEvent(),
      });
      expect(first.exitCode, first.log).toBe(0);
      expect(JSON.parse(first.outputs.created ?? "[]")).toEqual([
        "public_Ops Team.Sales 'Q1' ünï",
        "public.order",
      ]);
      const before = repo.revParse();
      repo.commit(
        {
          "models/select.sql": files["models/select.sql"].replace("select kind", "select kind, id"),
        },
        "add id",
      );
      const second = await runAction({
        repo,
        inputs: { "database-url": target.url, comment: "false" },
        event: pushEvent({ before, after: repo.revParse() }),
      });
      expect(second.exitCode, second.log).toBe(0);
      expect(JSON.parse(second.outputs.swapped ?? "[]")).toEqual([
        "public_Ops Team.Sales 'Q1' ünï",
        "public.order",
      ]);
      const rows = await target.query(
        'SELECT id FROM "public_Ops Team"."Sales \'Q1\' ünï" ORDER BY id',
      );
      expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
      expect(await target.query('SELECT count(*)::int AS n FROM public."order"')).toEqual([
        { n: 2 },
      ]);
    } finally {
      repo.remove();
    }
  });

  it("deploys a model with a very long name", async () => {
    const name = `m_${"x".repeat(90)}`;
    const { result } = await deployFiles({ [`models/${name}.sql`]: "select 1 as x" });
    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.created ?? "[]")).toEqual([`public.${name}`]);
  });

  it("never shows a wrong password in logs, outputs, the summary or the comment", async () => {
    const password = "Wr0ng-p@ss;word";
    const url = new URL(target.url);
    url.password = encodeURIComponent(password);
    const repo = createRepo({
      files: { "dbt_project.yml": PROJECT, "models/a.sql": "select 1 as x" },
    });
    try {
      const head = repo.commit({ "models/a.sql": "select 2 as x" }, "change");
      api.addPull({ number: 3, baseSha: repo.baseSha, headSha: head });
      const result = await runAction({
        repo,
        api,
        inputs: { "database-url": url.href },
        event: pullRequestEvent({ number: 3, baseSha: repo.baseSha, headSha: head }),
      });
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain("Could not connect to RisingWave");
      const everything = [
        result.stdout.replace(/^::add-mask::.*$/gm, ""),
        result.stderr,
        result.log,
        result.summary,
        JSON.stringify(result.outputs),
        ...api.state.comments.map((comment) => comment.body),
      ].join("\n");
      for (const secret of [password, encodeURIComponent(password), url.href]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      repo.remove();
    }
  });
});
