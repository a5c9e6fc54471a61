import { describe, expect, it } from "vitest";
import { downstreamClosure, selectModels, SelectionError } from "../../src/project/index.js";
import { GitRepo } from "./git-repo.js";
import { load, loadError, repoWith } from "./helpers.js";

describe("the ref graph", () => {
  it("orders models upstream first and gives downstream closures", async () => {
    const repo = GitRepo.fromFixture("shop");
    const project = await load(repo);
    const position = (name: string) => project.order.indexOf(name);
    expect(position("stg_orders")).toBeLessThan(position("orders_summary"));
    expect(position("stg_customers")).toBeLessThan(position("orders_summary"));
    expect(position("orders_summary")).toBeLessThan(position("revenue"));
    expect(downstreamClosure(project, ["stg_orders"])).toEqual(
      new Set(["stg_orders", "orders_summary", "revenue"]),
    );
    expect(downstreamClosure(project, ["stg_customers"])).toEqual(
      new Set(["stg_customers", "orders_summary", "revenue", "customer_list"]),
    );
    repo.dispose();
  });

  it("an unknown ref names both models and suggests close names", async () => {
    const repo = repoWith({
      "models/orders.sql": "select 1",
      "models/summary.sql": "select *\nfrom {{ ref('order') }}",
    });
    const error = await loadError(repo);
    expect(error.file).toBe("models/summary.sql");
    expect(error.line).toBe(2);
    expect(error.message).toContain("model summary refs unknown model 'order'");
    expect(error.fix).toContain("'orders'");
    repo.dispose();
  });

  it("a ref to a disabled model says so", async () => {
    const repo = repoWith({
      "models/a.sql": "{{ config(enabled=false) }}select 1",
      "models/b.sql": "select * from {{ ref('a') }}",
    });
    expect((await loadError(repo)).message).toContain("refs model a, which is disabled");
    repo.dispose();
  });

  it("a cycle names the models in it", async () => {
    const repo = repoWith({
      "models/a.sql": "select * from {{ ref('c') }}",
      "models/b.sql": "select * from {{ ref('a') }}",
      "models/c.sql": "select * from {{ ref('b') }}",
      "models/d.sql": "select * from {{ ref('a') }}",
    });
    const error = await loadError(repo);
    expect(error.message).toContain("ref cycle: a → c → b → a");
    expect(error.file).toBe("models/a.sql");
    repo.dispose();
  });

  it("inlines ephemeral models as CTEs, as dbt's compiler does", async () => {
    const repo = repoWith({
      "models/base_eph.sql": "{{ config(materialized='ephemeral') }}select 1 as x",
      "models/eph.sql": "{{ config(materialized='ephemeral') }}select x from {{ ref('base_eph') }}",
      "models/m.sql": "select *\nfrom {{ ref('eph') }}",
      "models/w.sql": "with mine as (select 2 as y)\nselect * from mine, {{ ref('eph') }}",
    });
    const project = await load(repo);
    expect(project.models.get("m")!.sql).toBe(
      "with __dbt__cte__base_eph as (\nselect 1 as x\n),  __dbt__cte__eph as (\nselect x from __dbt__cte__base_eph\n)select *\nfrom __dbt__cte__eph",
    );
    expect(project.models.get("w")!.sql).toBe(
      "with __dbt__cte__base_eph as (\nselect 1 as x\n),  __dbt__cte__eph as (\nselect x from __dbt__cte__base_eph\n), mine as (select 2 as y)\nselect * from mine, __dbt__cte__eph",
    );
    repo.dispose();
  });

  it("an undeclared source names the source and how to declare it", async () => {
    const repo = repoWith({ "models/m.sql": "select * from {{ source('raw', 'nope') }}" });
    const error = await loadError(repo);
    expect(error.message).toContain("source('raw', 'nope') is not declared");
    expect(error.line).toBe(1);
    repo.dispose();
  });

  it("duplicate model names are an error", async () => {
    const repo = repoWith({ "models/x/m.sql": "select 1", "models/y/m.sql": "select 2" });
    expect((await loadError(repo)).message).toContain("two models are named m");
    repo.dispose();
  });
});

describe("selectModels", () => {
  it("selects names, name+ and all, in topological order", async () => {
    const repo = GitRepo.fromFixture("shop");
    const project = await load(repo);
    expect(selectModels(project, "revenue, stg_orders")).toEqual(["stg_orders", "revenue"]);
    expect(selectModels(project, "orders_summary+\n")).toEqual(["orders_summary", "revenue"]);
    expect(selectModels(project, "all")).toEqual(project.order);
    expect(() => selectModels(project, "stg_order, nope")).toThrow(SelectionError);
    expect(() => selectModels(project, "stg_order")).toThrow(/did you mean stg_orders/);
    repo.dispose();
  });
});
