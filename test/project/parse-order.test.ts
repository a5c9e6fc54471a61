import { describe, expect, it } from "vitest";
import { load, loadError, repoWith } from "./helpers.js";

// The parse phase renders models whose literal refs come first, so that their own config()
// calls are known; the compiled SQL must not depend on that order or on its guesses.
describe("parse order and the relations the parse phase guesses", () => {
  it("a model before its ref target in file order renders the target's own alias and schema", async () => {
    const repo = repoWith({
      "models/a_down.sql": "select * from {{ ref('z_up') }} join {{ ref('m_mid') }} using (id)",
      "models/m_mid.sql": "{{ config(alias='middle') }}select id from {{ ref('z_up') }}",
      "models/z_up.sql": "{{ config(alias='zed', schema='other') }}select 1 as id",
    });
    const project = await load(repo);
    expect(project.models.get("a_down")!.sql).toBe(
      'select * from "public_other"."zed" join "public"."middle" using (id)',
    );
    expect(project.models.get("m_mid")!.sql).toBe('select id from "public_other"."zed"');
    repo.dispose();
  });

  it("a ref the order cannot see (a name built at render time) still renders the final relation", async () => {
    const repo = repoWith({
      "models/a_down.sql": "{% set target = 'z_' ~ 'up' %}select * from {{ ref(target) }}",
      "models/z_up.sql": "{{ config(alias='zed') }}select 1 as id",
    });
    const project = await load(repo);
    expect(project.models.get("a_down")!.sql).toBe('select * from "public"."zed"');
    repo.dispose();
  });

  it("`this` after the model's own config() names the final relation", async () => {
    const repo = repoWith({
      "models/self.sql": "{{ config(alias='renamed') }}select '{{ this }}' as me",
    });
    const project = await load(repo);
    expect(project.models.get("self")!.sql).toBe(`select '"public"."renamed"' as me`);
    repo.dispose();
  });

  it("a cycle between literal refs is still reported as a cycle", async () => {
    const repo = repoWith({
      "models/a.sql": "select * from {{ ref('b') }}",
      "models/b.sql": "select * from {{ ref('a') }}",
    });
    const error = await loadError(repo);
    expect(error.message).toContain("ref cycle");
    repo.dispose();
  });

  it("failures are listed by model name, whatever order the models parsed in", async () => {
    const repo = repoWith({
      "models/b_down.sql": "select * from {{ ref('c_up') }} {% endif %}",
      "models/a_other.sql": "select {{ 1 + }}",
      "models/c_up.sql": "select 1 as id",
    });
    const project = await load(repo);
    expect([...project.failures.keys()]).toEqual(["a_other", "b_down"]);
    repo.dispose();
  });
});
