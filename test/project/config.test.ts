import { describe, expect, it } from "vitest";
import { GitRepo } from "./git-repo.js";
import { load, loadError, repoWith } from "./helpers.js";

describe("config precedence: dbt_project.yml < properties YAML < config()", () => {
  it("resolves the fixture project's configs from all three places", async () => {
    const repo = GitRepo.fromFixture("shop");
    const project = await load(repo);
    const config = (name: string) => project.models.get(name)!.config;
    // Folder default (staging) from dbt_project.yml.
    expect(config("stg_orders").materialized).toBe("materialized_view");
    expect(config("stg_orders").zeroDowntime).toEqual({ enabled: false });
    // Properties YAML sets zero_downtime as a bare boolean.
    expect(config("stg_customers").zeroDowntime).toEqual({ enabled: true });
    // Nested folder configs: marts' schema and zero_downtime, finance's grants, the model's own dict.
    expect(config("revenue")).toMatchObject({
      schema: "marts",
      grants: { select: ["finance_reader"] },
      zeroDowntime: { enabled: true, immediateCleanup: false },
      postHook: ["grant select on {{ this }} to auditor"],
    });
    // config() overrides the folder's materialized_view; it still loads, but is not an MV.
    expect(config("customer_list").materialized).toBe("table");
    expect(project.models.get("customer_list")!.isMaterializedView).toBe(false);
    expect(project.models.get("orders_summary")!.relation).toEqual({
      schema: "public_marts",
      identifier: "order_totals",
    });
    expect(project.models.get("orders_summary")!.description).toBe("Order totals per customer.");
    expect(project.seeds.get("regions")!.relation).toEqual({
      schema: "public_reference",
      identifier: "regions",
    });
    repo.dispose();
  });

  it("lets the model's config() win over the properties YAML, and the YAML over the project", async () => {
    const repo = repoWith({
      "dbt_project.yml":
        "name: demo\nmodels:\n  demo:\n    +materialized: view\n    +alias: from_project\n    +schema: p\n",
      "models/props.yml":
        "models:\n  - name: m\n    config:\n      materialized: materialized_view\n      alias: from_yaml\n",
      "models/m.sql": "{{ config(alias='from_config') }}select 1",
    });
    const model = (await load(repo)).models.get("m")!;
    expect(model.config).toMatchObject({
      materialized: "materialized_view",
      alias: "from_config",
      schema: "p",
    });
    repo.dispose();
  });

  it("accumulates hooks across levels and appends +grants", async () => {
    const repo = repoWith({
      "dbt_project.yml":
        "name: demo\nmodels:\n  demo:\n    +post-hook: 'select 1'\n    +grants:\n      select: [a]\n",
      "models/m.sql": "{{ config(post_hook='select 2', grants={'+select': ['b']}) }}select 1",
    });
    const model = (await load(repo)).models.get("m")!;
    expect(model.config.postHook).toEqual(["select 1", "select 2"]);
    expect(model.config.grants).toEqual({ select: ["a", "b"] });
    repo.dispose();
  });

  it("excludes disabled models", async () => {
    const repo = repoWith({
      "models/a.sql": "{{ config(enabled=false) }}select 1",
      "models/b.sql": "select 1",
    });
    expect([...(await load(repo)).models.keys()]).toEqual(["b"]);
    repo.dispose();
  });

  it("flags the deprecated materializedview", async () => {
    const repo = repoWith({
      "models/m.sql": "{{ config(materialized='materializedview') }}select 1",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.isMaterializedView).toBe(true);
    expect(project.warnings.join()).toContain("deprecated materialization 'materializedview'");
    repo.dispose();
  });
});

describe("bad config values name the file that set them", () => {
  it("a zero_downtime string in config()", async () => {
    const repo = repoWith({ "models/m.sql": "\n{{ config(zero_downtime='yes') }}\nselect 1" });
    const error = await loadError(repo);
    expect(error.file).toBe("models/m.sql");
    expect(error.line).toBe(2);
    expect(error.message).toContain('config zero_downtime has an invalid value "yes"');
    expect(error.fix).toContain("{'enabled': true, 'immediate_cleanup': false}");
    repo.dispose();
  });

  it("a misspelt zero_downtime key in properties YAML, with its path", async () => {
    const repo = repoWith({
      "models/m.sql": "select 1",
      "models/props.yml":
        "models:\n  - name: m\n    config:\n      zero_downtime:\n        enable: true\n",
    });
    const error = await loadError(repo);
    expect(error.file).toBe("models/props.yml");
    expect(error.line).toBe(2);
    expect(error.message).toContain("zero_downtime");
    expect(error.message).toContain("enable");
    repo.dispose();
  });

  it("a wrong type of immediate_cleanup in dbt_project.yml, with its path", async () => {
    const repo = repoWith({
      "dbt_project.yml":
        "name: demo\nmodels:\n  demo:\n    +zero_downtime:\n      enabled: true\n      immediate_cleanup: sometimes\n",
      "models/m.sql": "select 1",
    });
    const error = await loadError(repo);
    expect(error.file).toBe("dbt_project.yml");
    expect(error.message).toContain("at zero_downtime.immediate_cleanup");
    repo.dispose();
  });

  it("unparsable YAML with the line", async () => {
    const repo = repoWith({
      "models/m.sql": "select 1",
      "models/props.yml": "models:\n  - name: m\n    config: {materialized: [\n",
    });
    const error = await loadError(repo);
    expect(error.file).toBe("models/props.yml");
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toContain("invalid YAML");
    repo.dispose();
  });

  it("a missing dbt_project.yml names the project-dir input", async () => {
    const repo = repoWith({ "models/m.sql": "select 1" });
    const error = await loadError(repo, { projectDir: "models" });
    expect(error.message).toContain("no dbt_project.yml in models");
    expect(error.fix).toContain("project-dir");
    repo.dispose();
  });
});
