import { describe, expect, it } from "vitest";
import { computeChangeSet, listChangedFiles } from "../../src/changes/index.js";
import { GitRepo } from "./git-repo.js";
import { load } from "./helpers.js";

describe("reading a project at a revision", () => {
  it("reads a project in a subfolder from git without checking it out", async () => {
    const repo = GitRepo.fromFixture("shop", "analytics");
    const base = repo.git("rev-parse", "HEAD").trim();
    repo.edit("analytics/macros/cents.sql", (sql) => sql.replace("100.0", "100"));
    const head = repo.commit("macro");
    // Uncommitted edits and build output in the working tree do not leak into a revision.
    repo.write("analytics/models/staging/stg_orders.sql", "select 'uncommitted'");
    repo.write("analytics/target/compiled/x.sql", "{{ broken(");
    repo.write("analytics/dbt_packages/pkg/models/p.sql", "select 1");
    const options = { projectDir: "analytics/" };
    const [before, after, worktree] = await Promise.all([
      load(repo, { ...options, revision: base }),
      load(repo, { ...options, revision: head }),
      load(repo, options),
    ]);
    expect(after.root).toBe("analytics");
    expect(after.revision).toBe(head);
    expect(after.models.get("stg_orders")!.file).toBe("analytics/models/staging/stg_orders.sql");
    expect(after.models.get("stg_orders")!.sql).toContain("(amount_cents / 100)");
    expect(worktree.models.get("stg_orders")!.sql).toBe("select 'uncommitted'");
    expect(worktree.models.has("p")).toBe(false);

    const changedFiles = await listChangedFiles(repo.root, base, head);
    expect(changedFiles).toEqual(["analytics/macros/cents.sql"]);
    const changes = computeChangeSet({ base: before, head: after, changedFiles });
    expect(changes.changed.map((change) => change.model).sort()).toEqual([
      "stg_customers",
      "stg_orders",
    ]);
    repo.dispose();
  });

  it("an unknown revision says how to fetch it", async () => {
    const repo = GitRepo.fromFixture("shop");
    await expect(load(repo, { revision: "f".repeat(40) })).rejects.toThrow(/fetch-depth: 0/);
    repo.dispose();
  });
});
