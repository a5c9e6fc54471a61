import { cpSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { load, loadError, MINIMAL_PROJECT, renderOne, repoWith } from "./helpers.js";

const DBT_UTILS = fileURLToPath(new URL("../fixtures/dbt/dbt_utils", import.meta.url));

describe("YAML as dbt (PyYAML) reads it", () => {
  it("loads a key written twice with its last value, and warns with the line", async () => {
    const repo = repoWith({
      "dbt_project.yml": `${MINIMAL_PROJECT}vars:\n  v: first\n  v: second\n`,
      "models/m.sql": "select '{{ var('v') }}'",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.sql).toBe("select 'second'");
    expect(project.warnings).toContainEqual(
      expect.stringMatching(/^dbt_project\.yml:7: key 'v' is written twice/),
    );
    repo.dispose();
  });

  it("warns about a key written twice inside a flow mapping too", async () => {
    const repo = repoWith({
      "dbt_project.yml": `${MINIMAL_PROJECT}vars: {v: first, v: second}\n`,
      "models/m.sql": "select '{{ var('v') }}'",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.sql).toBe("select 'second'");
    expect(project.warnings).toContainEqual(
      expect.stringMatching(/^dbt_project\.yml:5: a key is written twice/),
    );
    repo.dispose();
  });

  it("keeps y and n as strings and reads yes/no as booleans, as PyYAML does", async () => {
    const repo = repoWith({
      "models/m.sql": "select 1",
      "models/props.yml":
        "models:\n  - name: m\n    columns:\n      - name: n\n      - name: y\n    config:\n      persist_docs: {relation: yes}\n",
    });
    const model = (await load(repo)).models.get("m")!;
    expect(model.columns.map((column) => column.name)).toEqual(["n", "y"]);
    expect(model.config.persistDocs.relation).toBe(true);
    repo.dispose();
  });

  it("fails only the models an unreadable properties file names", async () => {
    const repo = repoWith({
      "models/a.sql": "select 1",
      "models/b.sql": "select 2",
      "models/broken.yml": "models:\n  - name: a\n    config: [unclosed\n",
    });
    const project = await load(repo);
    expect([...project.failures.keys()]).toEqual(["a"]);
    expect(project.failures.get("a")!.error.message).toMatch(
      /^models\/broken\.yml:\d+: invalid YAML/,
    );
    expect(project.models.get("b")!.sql).toBe("select 2");
    repo.dispose();
  });
});

describe("Jinja in YAML, rendered where dbt renders it", () => {
  it("renders source schema and identifier, +schema, +enabled and properties config natively", async () => {
    const repo = repoWith({
      "dbt_project.yml": [
        "name: demo",
        "models:",
        "  demo:",
        "    +materialized: materialized_view",
        "    marts:",
        "      +schema: \"{{ 'mart' ~ 's' }}\"",
        "    legacy:",
        "      +enabled: \"{{ target.name == 'prod' }}\"",
      ].join("\n"),
      "models/marts/m.sql": "select * from {{ source('raw', 'orders') }}",
      "models/legacy/old.sql": "select 1",
      "models/sources.yml": [
        "sources:",
        "  - name: raw",
        "    schema: \"{{ env_var('RAW_SCHEMA', 'raw') }}_{{ target.name }}\"",
        "    tables:",
        "      - name: orders",
        "        identifier: \"{{ var('orders_table', 'orders_v1') }}\"",
        "models:",
        "  - name: m",
        '    description: "{{ not rendered }}"',
        "    config:",
        "      alias: \"{{ 'm_' ~ target.name }}\"",
      ].join("\n"),
    });
    const project = await load(repo, { env: { RAW_SCHEMA: "landing" } });
    const model = project.models.get("m")!;
    expect(model.relation).toEqual({ schema: "public_marts", identifier: "m_default" });
    expect(model.sql).toBe('select * from "landing_default"."orders_v1"');
    expect(model.description).toBe("{{ not rendered }}");
    expect(project.models.has("old")).toBe(false);
    repo.dispose();
  });

  it("renders a var's Jinja when a model reads it, in the model's context", async () => {
    const files = {
      "dbt_project.yml": `${MINIMAL_PROJECT}vars:\n  suffix: "{{ this.name }}_{{ target.name }}"\n`,
    };
    expect(await renderOne("select '{{ var('suffix') }}'", files)).toBe("select 'm_default'");
  });
});

describe("macro files as dbt reads them", () => {
  it("ignores materialization, test, docs and snapshot blocks and text between macros", async () => {
    const sql = await renderOne("select {{ double('x') }}", {
      "macros/everything.sql": [
        "{% materialization materialized_view, adapter='risingwave' %}{{ adapter.drop_relation(this) }}{% endmaterialization %}",
        "{% test not_negative(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}",
        "{% docs orders %}{{ anything | nosuchfilter }}{% enddocs %}",
        "{% snapshot snap %}{{ config(target_schema='s') }}select 1{% endsnapshot %}",
        "free text {{ 1 + 1 }}",
        "{% macro double(x) %}{{ x }} * 2{% endmacro %}",
      ].join("\n"),
    });
    expect(sql).toBe("select x * 2");
  });

  it("a broken macro fails only the models that call it, at the macro's line", async () => {
    const repo = repoWith({
      "macros/broken.sql":
        "{% macro good() %}1{% endmacro %}\n{% macro bad() %}\n{{ 1 + }}\n{% endmacro %}",
      "models/uses_bad.sql": "select {{ bad() }}",
      "models/uses_good.sql": "select {{ good() }}",
    });
    const project = await load(repo);
    expect(project.models.get("uses_good")!.sql).toBe("select 1");
    expect(project.failures.get("uses_bad")!.error.message).toMatch(
      /^macros\/broken\.sql:3: Jinja syntax error in macro bad/,
    );
    repo.dispose();
  });
});

describe("dbt packages", () => {
  it("loads an installed package's macros and dispatches to the project's override first", async () => {
    const repo = repoWith({
      "packages.yml": "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n",
      "dbt_project.yml": `${MINIMAL_PROJECT}dispatch:\n  - macro_namespace: dbt_utils\n    search_order: ['demo', 'dbt_utils']\n`,
      "macros/group_by.sql": "{% macro default__group_by(n) %}group by all{% endmacro %}",
      "models/m.sql":
        "select {{ dbt_utils.generate_surrogate_key(['a']) }} from t {{ dbt_utils.group_by(1) }}",
    });
    cpSync(DBT_UTILS, path.join(repo.root, "dbt_packages/dbt_utils"), { recursive: true });
    const project = await load(repo);
    expect(project.models.get("m")!.sql).toBe(
      "select md5(cast(coalesce(cast(a as TEXT), '_dbt_utils_surrogate_key_null_') as TEXT)) from t group by all",
    );
    repo.dispose();
  });

  it("says to run dbt deps when packages.yml lists a package that is not installed", async () => {
    const repo = repoWith({
      "packages.yml": "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n",
      "models/m.sql": "select 1",
    });
    const error = await loadError(repo);
    expect(error.file).toBe("packages.yml");
    expect(error.message).toContain("dbt-labs/dbt_utils");
    expect(error.fix).toContain("Run `dbt deps`");
    repo.dispose();
  });
});

describe("what needs a database", () => {
  it("offline, adapter.get_columns_in_relation fails the model with a note, and execute guards work", async () => {
    const repo = repoWith({
      "models/cols.sql":
        "select {% for c in adapter.get_columns_in_relation(this) %}{{ c.name }}{% endfor %} 1",
      "models/guarded.sql": "{% if execute %}{% set cols = [] %}{% endif %}select 1",
    });
    const project = await load(repo);
    expect(() => project.models.get("cols")!.sql).toThrow(
      /needs a database connection to render: the plan was made offline/,
    );
    expect(project.models.get("guarded")!.sql).toBe("select 1");
    repo.dispose();
  });

  it("answers get_relation and get_columns_in_relation from the catalog when connected", async () => {
    const sql = await renderOne(
      "{% set r = adapter.get_relation(this.database, 'raw', 'events') %}select {% for c in adapter.get_columns_in_relation(r) %}{{ c.name }}:{{ c.data_type }}{{ ', ' if not loop.last }}{% endfor %} from {{ r }} -- {{ r.type }} {{ adapter.get_relation(none, 'raw', 'nope') }}",
      {},
      {
        connection: { database: "dev" },
        database: {
          relation: (schema, name) =>
            schema === "raw" && name === "events" ? { type: "table" } : undefined,
          columns: () => [
            { name: "id", dataType: "integer" },
            { name: "kind", dataType: "character varying" },
          ],
          relationsIn: () => [],
        },
      },
    );
    expect(sql).toBe(
      'select id:integer, kind:character varying from "dev"."raw"."events" -- table None',
    );
  });

  it("run_query and statement are refused while rendering, even when connected", async () => {
    const repo = repoWith({ "models/q.sql": "{% set r = run_query('select 1') %}select {{ r }}" });
    const project = await load(repo, {
      database: { relation: () => undefined, columns: () => undefined, relationsIn: () => [] },
    });
    expect(() => project.models.get("q")!.sql).toThrow(
      /'run_query' runs SQL against the database while rendering/,
    );
    repo.dispose();
  });

  it("this.database is refused offline, not printed as None", async () => {
    const repo = repoWith({ "models/m.sql": "select '{{ this.database }}'" });
    const project = await load(repo);
    expect(project.failures.get("m")!.error.message).toMatch(
      /^models\/m\.sql:1: the database name is only known with database credentials/,
    );
    repo.dispose();
  });
});

describe("target, from the connection", () => {
  it("gives the connection's database, user, host and port, and says offline what it lacks", async () => {
    const sql =
      "select '{{ target.dbname }}', '{{ target.database }}', '{{ target.user }}', '{{ target.host }}', {{ target.port }}, '{{ this.database }}'";
    expect(
      await renderOne(
        sql,
        {},
        {
          connection: { database: "dev", user: "deployer", host: "rw.internal", port: 4566 },
        },
      ),
    ).toBe("select 'dev', 'dev', 'deployer', 'rw.internal', 4566, 'dev'");
    const repo = repoWith({ "models/m.sql": "select '{{ target.dbname }}'" });
    expect((await loadError(repo)).message).toMatch(
      /target\.dbname is only known with database credentials/,
    );
    repo.dispose();
  });
});
