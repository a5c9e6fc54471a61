import { describe, expect, it } from "vitest";
import { load, repoWith } from "./helpers.js";

describe("sqlReading: refs rendered as other relations (a staged deploy's temporary MVs)", () => {
  it("renders only the named refs elsewhere, also through an ephemeral model, and leaves sql as it was", async () => {
    const repo = repoWith({
      "models/a.sql": "select 1 as x",
      "models/b.sql": "select 2 as x",
      "models/e.sql": "{{ config(materialized='ephemeral') }}select x from {{ ref('a') }}",
      "models/m.sql":
        "select * from {{ ref('a') }} join {{ ref('b') }} using (x) join {{ ref('e') }} using (x)",
    });
    const project = await load(repo);
    const m = project.models.get("m")!;
    const temps = new Map([["a", { schema: "public", identifier: "a_dbt_zero_down_tmp_x" }]]);
    const reading = m.sqlReading(temps);
    expect(reading).toContain('from "public"."a_dbt_zero_down_tmp_x" join "public"."b" using (x)');
    expect(reading).toContain('select x from "public"."a_dbt_zero_down_tmp_x"');
    expect(reading).not.toContain('"public"."a" ');
    expect(m.sql).toContain('from "public"."a" join "public"."b"');
    expect(project.models.get("b")!.sqlReading(temps)).toBe(project.models.get("b")!.sql);
    repo.dispose();
  });
});
