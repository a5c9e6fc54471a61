import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes a synthetic dbt project of `models` models: nested folders with their own configs and
 * properties files, sources, a macro used by a third of the models, vars, and refs to earlier
 * models (so the graph is a DAG several levels deep). Deterministic for a given size.
 */
export function generateProject(root: string, models: number): void {
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  const domains = Math.max(1, Math.ceil(models / 500));
  write(
    "dbt_project.yml",
    [
      "name: generated",
      "vars:",
      "  min_amount: 10",
      "models:",
      "  generated:",
      "    +materialized: materialized_view",
      ...Array.from({ length: domains }, (_, d) => [
        `    domain_${d}:`,
        `      +schema: domain_${d}`,
        "      marts:",
        "        +zero_downtime:",
        "          enabled: true",
      ]).flat(),
      "",
    ].join("\n"),
  );
  write(
    "macros/money.sql",
    "{% macro cents_to_units(column, scale=2) -%}\n    round({{ column }} / 100.0, {{ scale }})\n{%- endmacro %}\n",
  );
  write(
    "models/sources.yml",
    "version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n" +
      Array.from({ length: 20 }, (_, t) => `      - name: t${t}\n`).join(""),
  );
  const properties = new Map<string, string[]>();
  for (let i = 0; i < models; i++) {
    const domain = i % domains;
    const layer = i % 3 === 0 ? "staging" : "marts";
    const folder = `models/domain_${domain}/${layer}/group_${Math.floor(i / 50) % 10}`;
    const name = `model_${i}`;
    write(`${folder}/${name}.sql`, modelSql(i));
    const entries = properties.get(folder) ?? [];
    entries.push(
      `  - name: ${name}`,
      `    description: Model number ${i}.`,
      ...(i % 4 === 0 ? ["    config:", "      indexes:", "        - columns: [id]"] : []),
      "    columns:",
      "      - name: id",
      "        description: Identifier.",
    );
    properties.set(folder, entries);
  }
  for (const [folder, entries] of properties) {
    write(`${folder}/_properties.yml`, ["version: 2", "models:", ...entries, ""].join("\n"));
  }
}

function modelSql(i: number): string {
  // Refs to up to three earlier models, spread so the DAG is both wide and deep.
  const refs = [i - 1, i - 7, Math.floor(i / 2)].filter(
    (r, k, all) => r >= 0 && r < i && all.indexOf(r) === k,
  );
  const lines = [
    i % 10 === 0 ? "{{ config(alias='alias_" + i + "') }}" : "",
    `-- model ${i}`,
    "{%- set columns = ['a', 'b', 'c'] %}",
    "select",
    "    id,",
    "    {% for c in columns %}{{ c }}_" + i + "{% if not loop.last %}, {% endif %}{% endfor %},",
    i % 3 === 0 ? "    {{ cents_to_units('amount_cents') }} as amount" : "    amount",
  ];
  if (refs.length === 0 || i % 5 === 0) {
    lines.push(`from {{ source('raw', 't${i % 20}') }}`);
  } else {
    lines.push(`from {{ ref('model_${refs[0]}') }} r0`);
    refs
      .slice(1)
      .forEach((r, k) => lines.push(`join {{ ref('model_${r}') }} r${k + 1} using (id)`));
  }
  lines.push("where amount >= {{ var('min_amount') }}", "");
  return lines.filter((line) => line !== "").join("\n") + "\n";
}
