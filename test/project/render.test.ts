import { describe, expect, it } from "vitest";
import { ProjectError } from "../../src/project/index.js";
import { load, loadError, renderOne, repoWith } from "./helpers.js";

describe("rendering models as dbt does", () => {
  it("renders refs, sources and this as quoted relations", async () => {
    const repo = repoWith({
      "models/a.sql": "select 1 as x",
      "models/m.sql":
        "select * from {{ ref('a') }} join {{ ref('demo', 'a') }} using (x) " +
        "join {{ source('raw', 't') }} using (x) -- {{ this }} {{ this.schema }}.{{ this.identifier }}",
      "models/sources.yml":
        "version: 2\nsources:\n  - name: raw\n    schema: Raw Data\n    tables:\n      - name: t\n        identifier: T_v2\n",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.sql).toBe(
      'select * from "public"."a" join "public"."a" using (x) join "Raw Data"."T_v2" using (x) ' +
        '-- "public"."m" public.m',
    );
    expect(project.models.get("m")!.refs).toEqual(["a"]);
    expect(project.models.get("m")!.sources).toEqual([{ source: "raw", table: "t" }]);
    repo.dispose();
  });

  it("reads Python literals and keyword arguments in config()", async () => {
    const repo = repoWith({
      "models/m.sql":
        "{{ config(materialized='materialized_view', zero_downtime={'enabled': True, " +
        "'immediate_cleanup': False}, indexes=[{'columns': ['id'], 'unique': True}], " +
        "grants={'select': ['reader']}, persist_docs={'relation': true}, alias=None) }}select 1 as id",
    });
    const model = (await load(repo)).models.get("m")!;
    expect(model.config.zeroDowntime).toEqual({ enabled: true, immediateCleanup: false });
    expect(model.config.indexes).toEqual([{ columns: ["id"], unique: true }]);
    expect(model.config.grants).toEqual({ select: ["reader"] });
    expect(model.config.persistDocs).toEqual({ relation: true, columns: false });
    expect(model.relation).toEqual({ schema: "public", identifier: "m" });
    expect(model.sql).toBe("select 1 as id");
    repo.dispose();
  });

  it("accepts the bare boolean zero_downtime=true", async () => {
    const repo = repoWith({ "models/m.sql": "{{ config(zero_downtime=true) }}select 1" });
    expect((await load(repo)).models.get("m")!.config.zeroDowntime).toEqual({ enabled: true });
    repo.dispose();
  });

  it("takes vars from the input over dbt_project.yml, and defaults", async () => {
    const files = {
      "dbt_project.yml": "name: demo\nvars:\n  a: project\n  b: project\n  demo:\n    b: scoped\n",
    };
    const sql = "{{ var('a') }} {{ var('b') }} {{ var('c', 'fallback') }} {{ var('d', 3) + 1 }}";
    expect(await renderOne(sql, files)).toBe("project scoped fallback 4");
    expect(await renderOne(sql, files, { vars: { a: "input", b: "input" } })).toBe(
      "input input fallback 4",
    );
  });

  it("reads env_var with defaults and target.schema", async () => {
    const sql = "{{ env_var('HOME_SCHEMA') }} {{ env_var('MISSING', 'dflt') }} {{ target.schema }}";
    expect(await renderOne(sql, {}, { env: { HOME_SCHEMA: "x" }, targetSchema: "analytics" })).toBe(
      "x dflt analytics",
    );
  });

  it("handles set, if, for, is_incremental() and whitespace control", async () => {
    const sql = [
      "{%- set cols = ['a', 'b', 'c'] -%}",
      "select",
      "{%- for c in cols %}",
      "  {{ c }}{% if not loop.last %},{% endif %}",
      "{%- endfor %}",
      "from t",
      "{% if is_incremental() %}where x > (select max(x) from {{ this }}){% endif %}",
      "{# a Jinja comment #}",
    ].join("\n");
    expect(await renderOne(sql)).toBe("select\n  a,\n  b,\n  c\nfrom t");
  });

  it("prints lists, tuples and dicts as Python does", async () => {
    const sql =
      "where s in {{ ('paid', 'shipped') }} -- {{ ['a', \"it's\"] }} {{ {'k': [1, 2.5, none]} }}";
    expect(await renderOne(sql)).toBe(
      `where s in ('paid', 'shipped') -- ['a', "it's"] {'k': [1, 2.5, None]}`,
    );
  });

  it("has Jinja's range() and dict()", async () => {
    const sql =
      "{% set d = dict(a=1, b='x') %}{% for i in range(3) %}{{ i }}{% endfor %} {{ range(5, 1, -2) | join(',') }} {{ d.b }}{{ d.a }}";
    expect(await renderOne(sql)).toBe("012 5,3 x1");
  });

  it("supports {% do %} and macros that return values", async () => {
    const macros = {
      "macros/util.sql":
        "{% macro pick(x) %}{% do log('ignored') %}{{ return(x * 2) }}{% endmacro %}\n" +
        "{% macro wrap(col) -%}coalesce({{ col }}, {{ pick(21) }}){%- endmacro %}",
    };
    expect(await renderOne("select {{ wrap('amount') }} from t", macros)).toBe(
      "select coalesce(amount, 42) from t",
    );
  });

  it("names custom schemas <target>_<custom> and applies aliases", async () => {
    const repo = repoWith({
      "dbt_project.yml": "name: demo\nmodels:\n  demo:\n    marts:\n      +schema: marts\n",
      "models/marts/m.sql": "{{ config(alias='m_v2') }}select 1",
      "models/n.sql": "select * from {{ ref('m') }}",
    });
    const project = await load(repo, { targetSchema: "prod" });
    expect(project.models.get("m")!.relation).toEqual({ schema: "prod_marts", identifier: "m_v2" });
    expect(project.models.get("n")!.sql).toBe('select * from "prod_marts"."m_v2"');
    repo.dispose();
  });

  it("uses a project generate_schema_name macro", async () => {
    const repo = repoWith({
      "macros/generate_schema_name.sql": [
        "{% macro generate_schema_name(custom_schema_name, node) -%}",
        "    {%- if custom_schema_name is none -%}{{ target.schema }}",
        "    {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}",
        "{%- endmacro %}",
      ].join("\n"),
      "models/m.sql": "{{ config(schema='reporting') }}select 1",
      "models/n.sql": "select * from {{ ref('m') }}",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.relation).toEqual({ schema: "reporting", identifier: "m" });
    expect(project.models.get("n")!.relation).toEqual({ schema: "public", identifier: "n" });
    expect(project.models.get("n")!.sql).toBe('select * from "reporting"."m"');
    repo.dispose();
  });

  it("renders hooks with the model's context", async () => {
    const repo = repoWith({
      "models/m.sql":
        "{{ config(post_hook=['grant select on {{ this }} to r'], pre_hook='select 1') }}select 1",
    });
    const model = (await load(repo)).models.get("m")!;
    expect(model.hookSql).toEqual({
      pre: ["select 1"],
      post: ['grant select on "public"."m" to r'],
    });
    repo.dispose();
  });

  it("renders `this`, refs and config.get with the final config", async () => {
    const repo = repoWith({
      "models/m.sql":
        "{{ config(alias='m_final') }}select '{{ this }}' as me, " +
        '\'{{ config.get("alias") }}\' as alias, \'{{ config.get("schema", "none") }}\' as s',
      "models/n.sql": "select * from {{ ref('m') }}",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.sql).toBe(
      `select '"public"."m_final"' as me, 'm_final' as alias, 'none' as s`,
    );
    expect(project.models.get("n")!.sql).toBe('select * from "public"."m_final"');
    repo.dispose();
  });

  it("keeps Python-style dict literals (a silent {} would disable zero downtime)", async () => {
    const repo = repoWith({
      "models/m.sql":
        "{% set zd = {'enabled': True, 'immediate_cleanup': None} %}" +
        "{{ config(zero_downtime=zd) }}select '{{ zd.enabled }}', {{ zd | length }}, '{{ none }}'",
    });
    const model = (await load(repo)).models.get("m")!;
    expect(model.config.zeroDowntime).toEqual({ enabled: true });
    // Printed as Python's Jinja2 prints them.
    expect(model.sql).toBe("select 'True', 2, 'None'");
    repo.dispose();
  });

  it("takes sql_header from config() or a set_sql_header call block", async () => {
    const repo = repoWith({
      "models/a.sql": "{{ config(sql_header='set a = 1') }}select 1",
      "models/b.sql":
        "{% call set_sql_header(config) %}\n  set b = {{ var('b', 2) }}\n{%- endcall %}select 2",
    });
    const project = await load(repo);
    expect(project.models.get("a")!.config.sqlHeader).toBe("set a = 1");
    expect(project.models.get("b")!.config.sqlHeader).toBe("\n  set b = 2");
    expect(project.models.get("b")!.sql).toBe("select 2");
    repo.dispose();
  });

  it("removes one trailing semicolon", async () => {
    expect(await renderOne("select 1;\n\n")).toBe("select 1");
  });
});

describe("what dbt refuses is an error naming the file, the line and the name", () => {
  it("an unknown macro", async () => {
    const repo = repoWith({ "models/m.sql": "select\n  {{ cents_to_dollars('x') }}\nfrom t" });
    const error = await loadError(repo);
    expect(error.file).toBe("models/m.sql");
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^models\/m\.sql:2: 'cents_to_dollars' is undefined/);
    expect(error.fix).toContain("dbt deps");
    repo.dispose();
  });

  it("a package that is not installed", async () => {
    const repo = repoWith({
      "models/a.sql": "select 1 as a",
      "models/m.sql": "select\n  {{ dbt_utils.star(ref('a')) }} from t",
    });
    const error = await loadError(repo);
    expect(error.message).toMatch(/^models\/m\.sql:2: 'dbt_utils' is undefined/);
    repo.dispose();
  });

  it("inside a project macro, naming the macro file and the model", async () => {
    const repo = repoWith({
      "macros/m.sql": "{% macro helper() %}\n  {{ adapter.dispatch('x')() }}\n{% endmacro %}",
      "models/m.sql": "select {{ helper() }}",
    });
    const error = await loadError(repo);
    expect(error.file).toBe("macros/m.sql");
    expect(error.line).toBe(2);
    expect(error.message).toContain("No macro named 'x'");
    expect(error.message).toContain("while rendering model m, models/m.sql");
    repo.dispose();
  });

  it("an undefined name prints nothing, as in dbt, but its attributes are an error", async () => {
    expect(await renderOne("select 1 -- [{{ not_defined_anywhere }}]")).toBe("select 1 -- []");
    const repo = repoWith({ "models/m.sql": "select 1\n-- {{ not_defined_anywhere.attr }}" });
    const error = await loadError(repo);
    expect(error.message).toContain("'not_defined_anywhere' is undefined");
    expect(error.line).toBe(2);
    repo.dispose();
  });

  it("a required var that is not set", async () => {
    const repo = repoWith({ "models/m.sql": "select {{ var('nope') }}" });
    const error = await loadError(repo);
    expect(error.message).toContain("required var 'nope'");
    expect(error.fix).toContain("vars");
    repo.dispose();
  });

  it("a ref into a package", async () => {
    const repo = repoWith({ "models/m.sql": "select * from {{ ref('other_pkg', 'x') }}" });
    expect((await loadError(repo)).message).toContain("package 'other_pkg'");
    repo.dispose();
  });

  it("a Jinja syntax error", async () => {
    const repo = repoWith({ "models/m.sql": "select {% if x %}1" });
    const error = await loadError(repo);
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.message).toContain("Jinja syntax error");
    repo.dispose();
  });

  it("fails each broken model on its own and loads the rest", async () => {
    const repo = repoWith({
      "models/a.sql": "{{ nope1() }}",
      "models/b.sql": "select {% if %}",
      "models/c.sql": "select 1",
    });
    const project = await load(repo);
    expect([...project.failures.keys()]).toEqual(["b"]);
    expect(project.failures.get("b")!.error.message).toMatch(
      /^models\/b\.sql:1: Jinja syntax error/,
    );
    expect(() => project.models.get("a")!.sql).toThrow(/models\/a\.sql:1: 'nope1' is undefined/);
    expect(project.models.get("c")!.sql).toBe("select 1");
    repo.dispose();
  });
});

describe("relations behave like their rendered name, with dbt's attributes", () => {
  const files = {
    "models/x.sql": "select 1",
    "models/s.yml": "sources:\n  - name: raw\n    tables:\n      - name: orders\n",
  };
  it.each([
    ["{{ 'a ' ~ ref('x') }}", 'a "public"."x"'],
    ["{{ ref('x') | string }} {{ ref('x') | upper }}", '"public"."x" "PUBLIC"."X"'],
    [
      "{{ this.name }} {{ this.render() }} {{ this.schema }}.{{ this.identifier }}",
      'm "public"."m" public.m',
    ],
    // A relation is not a string: dbt's BaseRelation compares equal only to a relation.
    [
      "{% if ref('x') %}yes{% endif %} {{ ref('x') == '\"public\".\"x\"' }} {{ ref('x') == ref('x') }}",
      "yes False True",
    ],
    ["{{ source('raw', 'orders').identifier }}", "orders"],
    ["{{ [ref('x'), this] | join(',') }}", '"public"."x","public"."m"'],
  ])("%s", async (sql, expected) => {
    expect(await renderOne(sql, files)).toBe(expected);
  });
});
