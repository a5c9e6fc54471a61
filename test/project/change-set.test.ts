import { afterEach, describe, expect, it } from "vitest";
import { computeChangeSet, listChangedFiles } from "../../src/changes/index.js";
import type { ChangeSet } from "../../src/changes/types.js";
import { GitRepo } from "./git-repo.js";
import { load } from "./helpers.js";

let repo: GitRepo | undefined;
afterEach(() => repo?.dispose());

/**
 * Commits an edit on top of the shop fixture and computes the change set both ways: comparing
 * every model, and narrowed by the changed files. The two must agree.
 */
async function changesAfter(edit: (repo: GitRepo) => void): Promise<ChangeSet> {
  repo = GitRepo.fromFixture("shop");
  const baseSha = repo.git("rev-parse", "HEAD").trim();
  edit(repo);
  const headSha = repo.commit("head");
  const loadBoth = () =>
    Promise.all([load(repo!, { revision: baseSha }), load(repo!, { revision: headSha })]);
  const [base, head] = await loadBoth();
  const full = computeChangeSet({ base, head });
  const [freshBase, freshHead] = await loadBoth();
  const changedFiles = await listChangedFiles(repo.root, baseSha, headSha);
  const narrowed = computeChangeSet({ base: freshBase, head: freshHead, changedFiles });
  expect(narrowed).toEqual(full);
  return full;
}

const reasonsByModel = (changes: ChangeSet) =>
  Object.fromEntries(changes.changed.map((change) => [change.model, change.reasons]));

describe("change set between two revisions", () => {
  it("a model edit changes that model only", async () => {
    const changes = await changesAfter((r) =>
      r.edit("models/staging/stg_orders.sql", (sql) =>
        sql.replace("status,", "status,\n    placed_at,"),
      ),
    );
    expect(reasonsByModel(changes)).toEqual({ stg_orders: ["SQL changed"] });
    expect(changes.changed[0]!.kind).toBe("modified");
    // The base revision's rendering travels with the change, for the report's diff.
    expect(changes.changed[0]!.baseSql).toMatch(/status,\s+\(amount_cents/);
    expect(changes.changed[0]!.baseSql).not.toContain("placed_at");
    expect(changes.deleted).toEqual([]);
  });

  it("a properties YAML config edit", async () => {
    const changes = await changesAfter((r) =>
      r.edit("models/staging/schema.yml", (yml) =>
        yml.replace(
          "zero_downtime: true",
          "zero_downtime: {enabled: true, immediate_cleanup: true}",
        ),
      ),
    );
    expect(reasonsByModel(changes)).toEqual({ stg_customers: ["config zero_downtime changed"] });
  });

  it("a dbt_project.yml config edit reaches the models of that folder", async () => {
    const changes = await changesAfter((r) =>
      r.edit("dbt_project.yml", (yml) =>
        yml.replace("[finance_reader]", "[finance_reader, auditor]"),
      ),
    );
    expect(reasonsByModel(changes)).toEqual({ revenue: ["config grants changed"] });
  });

  it("a macro edit changes both models that use the macro", async () => {
    const changes = await changesAfter((r) =>
      r.edit("macros/cents.sql", (sql) => sql.replace("/ 100.0", "/ 100.0::numeric")),
    );
    expect(reasonsByModel(changes)).toEqual({
      stg_customers: ["SQL changed"],
      stg_orders: ["SQL changed"],
    });
  });

  it("a var edit changes the models that read it", async () => {
    const changes = await changesAfter((r) =>
      r.edit("dbt_project.yml", (yml) => yml.replace("min_amount: 10", "min_amount: 25")),
    );
    expect(reasonsByModel(changes)).toEqual({ stg_orders: ["SQL changed"] });
  });

  it("an edit of comments and whitespace only is not a change", async () => {
    const changes = await changesAfter((r) =>
      r.edit("models/marts/orders_summary.sql", (sql) =>
        sql
          .replace("-- in currency units", "/* in EUR,\n   rounded */")
          .replace("group by 1", "-- grouped per customer\ngroup   by\n  1   ")
          .replace("{# Totals", "{# Sums")
          .replace("select\n    c.customer_id,", "select c.customer_id ,"),
      ),
    );
    expect(changes.changed).toEqual([]);
  });

  it("a comment inside a string literal is a change", async () => {
    const changes = await changesAfter((r) =>
      r.edit("models/marts/finance/revenue.sql", (sql) =>
        sql.replace(`'{{ var("currency") }}'`, `'{{ var("currency") }} -- note'`),
      ),
    );
    expect(reasonsByModel(changes)).toEqual({ revenue: ["SQL changed"] });
  });

  it("a rename is reported with both names, and the new name is created", async () => {
    const changes = await changesAfter((r) =>
      r.move("models/marts/finance/revenue.sql", "models/marts/finance/total_revenue.sql"),
    );
    expect(changes.renamed).toEqual([
      {
        from: "revenue",
        to: "total_revenue",
        fromFile: "models/marts/finance/revenue.sql",
        toFile: "models/marts/finance/total_revenue.sql",
        fromType: "materialized view",
      },
    ]);
    expect(changes.changed).toEqual([
      {
        model: "total_revenue",
        kind: "added",
        reasons: ["renamed from revenue"],
        baseSql: expect.stringContaining("select sum(total) as revenue"),
      },
    ]);
    expect(changes.deleted).toEqual([]);
  });

  it("a deletion is reported, never dropped", async () => {
    const changes = await changesAfter((r) => r.remove("models/marts/finance/revenue.sql"));
    expect(changes.deleted).toEqual([
      {
        model: "revenue",
        file: "models/marts/finance/revenue.sql",
        relation: { schema: "public_marts", identifier: "revenue" },
        type: "materialized view",
      },
    ]);
    expect(changes.changed).toEqual([]);
  });

  it("a deleted or renamed view model is reported as a view", async () => {
    repo = GitRepo.fromFixture("shop");
    const view = "{{ config(materialized='view') }}\nselect * from {{ ref('stg_orders') }}\n";
    repo
      .write("models/marts/orders_view.sql", view)
      .write("models/marts/other_view.sql", view.replace("*", "order_id"));
    const baseSha = repo.commit("views");
    repo
      .remove("models/marts/orders_view.sql")
      .move("models/marts/other_view.sql", "models/marts/order_ids.sql");
    const headSha = repo.commit("one view deleted, one renamed");
    const [base, head] = await Promise.all([
      load(repo, { revision: baseSha }),
      load(repo, { revision: headSha }),
    ]);
    const changes = computeChangeSet({ base, head });
    expect(changes.deleted).toEqual([
      {
        model: "orders_view",
        file: "models/marts/orders_view.sql",
        relation: { schema: "public_marts", identifier: "orders_view" },
        type: "view",
      },
    ]);
    expect(changes.renamed).toEqual([
      expect.objectContaining({ from: "other_view", to: "order_ids", fromType: "view" }),
    ]);
  });

  it("a new model is added", async () => {
    const changes = await changesAfter((r) =>
      r.write(
        "models/marts/big_orders.sql",
        "select * from {{ ref('stg_orders') }} where amount > 100",
      ),
    );
    expect(changes.changed).toEqual([
      { model: "big_orders", kind: "added", reasons: ["new model"] },
    ]);
  });

  it("an alias change in a model file also changes the models that ref it", async () => {
    const changes = await changesAfter((r) =>
      r.edit("models/marts/orders_summary.sql", (sql) =>
        sql.replace("'order_totals'", "'order_totals_v2'"),
      ),
    );
    expect(reasonsByModel(changes)).toEqual({
      orders_summary: [
        'relation changed ("public_marts"."order_totals" → "public_marts"."order_totals_v2")',
      ],
      revenue: ["SQL changed"],
    });
    expect(changes.warnings.join("\n")).toContain('"public_marts"."order_totals" is left in place');
  });

  it("a description change counts only where persist_docs writes it", async () => {
    const changes = await changesAfter((r) => {
      r.edit("models/marts/schema.yml", (yml) => yml.replace("Order totals", "Order sums"));
      r.edit("models/staging/schema.yml", (yml) => yml.replace("One row", "A row"));
    });
    expect(reasonsByModel(changes)).toEqual({ orders_summary: ["description changed"] });
  });

  it("a model that stops being a materialized view is a warning", async () => {
    const changes = await changesAfter((r) =>
      r.edit("models/marts/finance/revenue.sql", (sql) =>
        sql.replace("materialized='materialized_view'", "materialized='table'"),
      ),
    );
    expect(changes.changed).toEqual([]);
    expect(changes.warnings.join("\n")).toContain("revenue is no longer a materialized view");
  });

  it("compares a revision with the working tree", async () => {
    repo = GitRepo.fromFixture("shop");
    repo.edit("models/staging/stg_customers.sql", (sql) =>
      sql.replace("c.name,", "upper(c.name) as name,"),
    );
    repo.write("models/staging/stg_refunds.sql", "select 1 as refund_id");
    const [base, head] = await Promise.all([load(repo, { revision: "HEAD" }), load(repo)]);
    expect(head.revision).toBe("WORKTREE");
    const changedFiles = await listChangedFiles(repo.root, "HEAD");
    expect(changedFiles).toEqual([
      "models/staging/stg_customers.sql",
      "models/staging/stg_refunds.sql",
    ]);
    const changes = computeChangeSet({ base, head, changedFiles });
    expect(reasonsByModel(changes)).toEqual({
      stg_customers: ["SQL changed"],
      stg_refunds: ["new model"],
    });
  });
});

describe("narrowing by changed files", () => {
  it("renders only the models it compares when only model files changed", async () => {
    repo = GitRepo.fromFixture("shop");
    const baseSha = repo.git("rev-parse", "HEAD").trim();
    repo.edit("models/staging/stg_orders.sql", (sql) =>
      sql.replace("status,", "status, 1 as one,"),
    );
    const headSha = repo.commit("head");
    const [base, head] = await Promise.all([
      load(repo, { revision: baseSha }),
      load(repo, { revision: headSha }),
    ]);
    const rendered = new Set<string>();
    for (const project of [base, head]) {
      for (const model of project.models.values()) {
        const descriptor = Object.getOwnPropertyDescriptor(model, "sql")!;
        Object.defineProperty(model, "sql", {
          get: () => {
            rendered.add(model.name);
            return descriptor.get!.call(model);
          },
        });
      }
    }
    const changedFiles = await listChangedFiles(repo.root, baseSha, headSha);
    const changes = computeChangeSet({ base, head, changedFiles });
    expect(reasonsByModel(changes)).toEqual({ stg_orders: ["SQL changed"] });
    // stg_orders and its direct dependent orders_summary (whose SQL embeds stg_orders' relation).
    expect([...rendered].sort()).toEqual(["orders_summary", "stg_orders"]);
  });
});
