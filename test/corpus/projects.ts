/**
 * Small dbt projects, each exercising constructs real projects use. The corpus test renders each
 * with the product and with the Python reference (Jinja2 in a dbt-like context) and compares.
 * `catalog` stands for the live database where a project asks it (adapter.get_columns_in_relation).
 */
export interface CorpusProject {
  name: string;
  files: Record<string, string>;
  /** Installs the test's dbt_utils stand-in into dbt_packages/. */
  dbtUtils?: boolean;
  vars?: Record<string, unknown>;
  env?: Record<string, string>;
  targetName?: string;
  catalog?: {
    relations: {
      schema: string;
      name: string;
      type: string;
      columns: { name: string; type: string }[];
    }[];
  };
}

const project = (name: string, extra = "") =>
  `name: ${name}\nconfig-version: 2\nmodels:\n  ${name}:\n    +materialized: materialized_view\n${extra}`;

export const CORPUS: CorpusProject[] = [
  {
    name: "python values, operators and formatting",
    files: {
      "dbt_project.yml": project("values"),
      "models/printing.sql": [
        "select {{ true }} as t, '{{ [1, 'a', none] }}' as l, '{{ {'k': (1,)} }}' as d,",
        "  '{{ 'a' ~ true ~ [1, 2] ~ none }}' as c, {{ 7 // 2 }} as q, {{ -7 % 3 }} as r, {{ 1 / 4 }} as f,",
        "  '{{ '%s-%03d' % ('x', 7) }}' as p, '{{ '{}+{:.2f}'.format('y', 2.5) }}' as fm,",
        "  '{{ 'xax'.strip('x') }}' as s, '{{ ', '.join(['a', 'b']) }}' as j, {{ ('ab' * 2) | length }} as n",
      ].join("\n"),
      "models/tests_and_filters.sql": [
        "{%- set nums = [1, 2, 3, 4, 5, 6] -%}",
        "select {{ nums | select('divisibleby', 3) | list | join(',') }} as threes,",
        "  {{ nums | sum }} as total, {{ nums | max }} as top, {{ [3, 1] | min }} as bottom,",
        "  '{{ ['b', 'A', 'a'] | unique | list }}' as uniq, '{{ {'b': 1, 'a': 2} | tojson }}' as js,",
        "  {{ 6 is divisibleby(3) }} as div, {{ 2 is in([1, 2]) }} as isin, '{{ ['x', 'y'] | map('upper') | join }}' as up,",
        "  '{{ nums | reject('odd') | list }}' as evens, {{ 2.675 | round(2) }} as rounded",
      ].join("\n"),
      "models/statements.sql": [
        "{%- set cols = [] -%}",
        "{%- for c in ['a', 'b', 'c'] -%}{%- do cols.append(c ~ '_col') -%}{%- endfor -%}",
        "{%- set meta = {'x': 1} -%}{%- do meta.update({'y': 2}) -%}",
        "{%- set ns = namespace(n=0) -%}{%- for k, v in meta.items() -%}{%- set ns.n = ns.n + v -%}{%- endfor -%}",
        "select {{ cols | join(', ') }}, {{ ns.n }} as n, '{{ meta.get('z', 'none') }}' as z, {{ meta.pop('x') }} as popped",
        "{#- a comment -#}",
        "{%+ if true %} where 1 = 1 {%+ endif +%}",
        "{% raw %}-- {{ kept literally }}{% endraw %}",
      ].join("\n"),
      "models/undefined_prints_nothing.sql":
        "select 1 as x -- [{{ nothing_here }}] {{ nothing_here is defined }}",
    },
  },
  {
    name: "dbt builtins",
    files: {
      "dbt_project.yml": project("builtins", "vars:\n  suffix: '{{ target.name }}_sfx'\n  n: 3\n"),
      "models/builtins.sql": [
        "select '{{ run_started_at.strftime('%Y-%m-%d') }}' as day, {{ run_started_at.year }} as year,",
        "  '{{ invocation_id }}' as invocation, '{{ var('suffix') }}' as suffix, {{ var('n') + 1 }} as n,",
        "  '{{ env_var('CORPUS_ENV', 'fallback') }}' as env, '{{ env_var('CORPUS_SET') }}' as set_env,",
        "  '{{ (run_started_at - modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d') }}' as yesterday,",
        "  '{{ modules.re.sub('[aeiou]', '_', 'banana') }}' as re_sub, {{ flags.FULL_REFRESH }} as full_refresh,",
        "  '{{ target.name }}.{{ target.schema }}.{{ target.type }}' as tgt, '{{ this.database }}' as db,",
        "  '{{ this.schema }}.{{ this.name }}' as me, {{ execute }} as executing",
        "{{ log('not printed') }}",
      ].join("\n"),
      "models/exceptions.sql":
        "{% if var('explode', false) %}{{ exceptions.raise_compiler_error('boom') }}{% endif %}select 1",
    },
    env: { CORPUS_SET: "from-env" },
  },
  {
    name: "configs, naming and Jinja in YAML",
    files: {
      "dbt_project.yml": project(
        "naming",
        "    marts:\n      +schema: \"{{ 'marts' if target.name == 'default' else 'other' }}\"\n      +alias_prefix: x\n",
      ),
      "models/marts/orders.sql":
        "{{ config(alias='orders_v' ~ var('version', 2)) }}select * from {{ source('raw', 'orders') }}",
      "models/marts/customers.sql":
        "select * from {{ ref('orders') }} -- {{ config.get('schema') }}",
      "models/staging/stg.sql":
        "select * from {{ source('raw', 'items') }} join {{ ref('customers') }} using (id)",
      "models/sources.yml": [
        "version: 2",
        "sources:",
        "  - name: raw",
        "    schema: \"{{ 'raw_' ~ target.name }}\"",
        "    tables:",
        "      - name: orders",
        "        identifier: \"{{ 'Orders' }}\"",
        "      - name: items",
        "models:",
        "  - name: stg",
        "    config:",
        "      alias: \"{{ 'staged' }}\"",
      ].join("\n"),
      "macros/generate_schema_name.sql": [
        "{% macro generate_schema_name(custom_schema_name, node) -%}",
        "  {{ generate_schema_name_for_env(custom_schema_name, node) }}",
        "{%- endmacro %}",
      ].join("\n"),
    },
  },
  {
    name: "YAML as PyYAML reads it",
    files: {
      "dbt_project.yml": [
        "name: yamlish",
        "config-version: 2",
        "vars:",
        "  flag: yes",
        "  letter: n",
        "  octal: 010",
        "  not_a_float: 1e3",
        "  a_float: 1.0",
        "  twice: first",
        "  twice: second",
        "models:",
        "  yamlish:",
        "    +materialized: materialized_view",
        "    off_in_ci:",
        "      +enabled: \"{{ target.name != 'default' }}\"",
      ].join("\n"),
      "models/values.sql":
        "select '{{ var('flag') }}' as flag, '{{ var('letter') }}' as letter, {{ var('octal') }} as octal, '{{ var('not_a_float') }}' as e, {{ var('a_float') }} as f, '{{ var('twice') }}' as twice",
      "models/off_in_ci/disabled.sql": "select 1",
      "models/properties.yml": [
        "version: 2",
        "models:",
        "  - name: values",
        '    description: "a description that continues',
        '  on a less indented line"',
        "    config:",
        "      alias: \"{{ 'vals' }}\"",
        "    columns:",
        "      - name: n",
        "      - name: y",
      ].join("\n"),
      "models/reader.sql": "select * from {{ ref('values') }}",
    },
  },
  {
    name: "quoting config",
    files: {
      "dbt_project.yml": project("quoted", "quoting:\n  identifier: false\n  schema: false\n"),
      "models/Upper_Model.sql": "select * from {{ source('src', 'T') }}",
      "models/reader.sql": "select * from {{ ref('Upper_Model') }}",
      "models/sources.yml": [
        "sources:",
        "  - name: src",
        "    schema: SCHEMA_X",
        "    quoting:",
        "      schema: false",
        "      identifier: false",
        "    tables:",
        "      - name: T",
      ].join("\n"),
    },
  },
  {
    name: "macro files with non-model blocks, dispatch and project namespace",
    files: {
      "dbt_project.yml": project("macros"),
      "macros/materializations.sql": [
        "{% materialization my_view, adapter='risingwave' %}",
        "  {%- set target_relation = this.incorporate(type='view') -%}",
        "  {% call statement('main') -%}create view {{ target_relation }} as {{ sql }}{%- endcall %}",
        "  {{ return({'relations': [target_relation]}) }}",
        "{% endmaterialization %}",
        "{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}",
        "{% docs orders %}# Orders {{ not_jinja_here }}{% enddocs %}",
        "text between blocks is ignored, {{ even_this() }} and {% if x %}{% endif %}",
        "{% macro cents(col) -%}({{ col }} / 100.0){%- endmacro %}",
        "{% macro greet(name) %}{{ return(adapter.dispatch('greet', 'macros')(name)) }}{% endmacro %}",
        "{% macro default__greet(name) %}hello {{ name }}{% endmacro %}",
        "{% macro risingwave__greet(name) %}hi {{ name }}{% endmacro %}",
      ].join("\n"),
      "macros/overrides.sql":
        "{% macro default__concat(fields) %}concat_ws('', {{ fields | join(', ') }}){% endmacro %}",
      "models/uses_macros.sql": [
        "select {{ cents('amount') }} as units, '{{ greet('you') }}' as greeting, '{{ macros.greet('ns') }}' as namespaced,",
        "  {{ dbt.concat(['a', 'b']) }} as joined, {{ dbt.safe_cast('x', dbt.type_string()) }} as cast_x,",
        "  {{ dbt.date_trunc('day', 'ts') }} as day, {{ dbt.dateadd('day', 1, 'ts') }} as next_day,",
        "  {{ dbt.type_timestamp() }} as t1, {{ dbt.type_numeric() }} as t2, {{ dbt.current_timestamp() }} as now_,",
        "  {{ dbt.hash('x') }} as h, {{ dbt.any_value('x') }} as anyv, {{ dbt.datediff('a', 'b', 'day') }} as dd,",
        "  {{ dbt.split_part('s', \"','\", -1) }} as sp",
      ].join("\n"),
    },
  },
  {
    name: "ephemeral models and graph",
    files: {
      "dbt_project.yml": project("ephemeral"),
      "models/base.sql": "{{ config(materialized='ephemeral') }}select 1 as id",
      "models/mid.sql": "{{ config(materialized='ephemeral') }}select id from {{ ref('base') }}",
      "models/top.sql":
        "with own as (select 2 as id)\nselect * from own union all select * from {{ ref('mid') }}",
      "models/plain.sql": "-- leading comment\nselect * from {{ ref('base') }}",
      "models/nodes.sql": [
        "select '{% for node in graph.nodes.values() | sort(attribute='name') %}{{ node.name }}:{{ node.config.materialized }}{{ ',' if not loop.last }}{% endfor %}' as nodes",
      ].join("\n"),
    },
  },
  {
    name: "dbt_utils from dbt_packages",
    dbtUtils: true,
    files: {
      "dbt_project.yml": project("packaged"),
      "packages.yml":
        'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n',
      "models/keys.sql": [
        "select {{ dbt_utils.generate_surrogate_key(['id', 'kind']) }} as key,",
        "  {{ dbt_utils.safe_add(['a', 'b']) }} as total",
        "from {{ source('raw', 'events') }}",
        "{{ dbt_utils.group_by(2) }}",
      ].join("\n"),
      "models/starred.sql":
        "select {{ dbt_utils.star(source('raw', 'events'), except=['secret']) }} from {{ source('raw', 'events') }}",
      "models/unioned.sql":
        "{{ dbt_utils.union_relations([source('raw', 'events'), source('raw', 'more_events')]) }}",
      "models/sources.yml":
        "sources:\n  - name: raw\n    tables:\n      - name: events\n      - name: more_events\n",
    },
    catalog: {
      relations: [
        {
          schema: "raw",
          name: "events",
          type: "table",
          columns: [
            { name: "id", type: "integer" },
            { name: "kind", type: "character varying" },
            { name: "secret", type: "text" },
          ],
        },
        {
          schema: "raw",
          name: "more_events",
          type: "table",
          columns: [
            { name: "id", type: "integer" },
            { name: "extra", type: "text" },
          ],
        },
      ],
    },
  },
];
