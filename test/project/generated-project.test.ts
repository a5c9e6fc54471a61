import { afterEach, describe, expect, it } from "vitest";
import { computeChangeSet, listChangedFiles } from "../../src/changes/index.js";
import { generateProject } from "./generate-project.js";
import { GitRepo } from "./git-repo.js";
import { load } from "./helpers.js";

let repo: GitRepo | undefined;
afterEach(() => repo?.dispose());

describe("a generated project (the benchmark's, at a small size)", () => {
  it("loads in order and finds the models a macro edit touches", async () => {
    repo = GitRepo.empty();
    generateProject(repo.root, 300);
    const base = repo.commit("base");
    repo.edit("macros/money.sql", (sql) => sql.replace("100.0", "100.00"));
    const head = repo.commit("macro");
    const [before, after] = await Promise.all([
      load(repo, { revision: base }),
      load(repo, { revision: head }),
    ]);
    expect(after.models.size).toBe(300);
    for (const model of after.models.values()) {
      for (const ref of model.refs) {
        expect(after.order.indexOf(ref)).toBeLessThan(after.order.indexOf(model.name));
      }
    }
    expect(after.models.get("model_10")!.relation).toEqual({
      schema: "public_domain_0",
      identifier: "alias_10",
    });
    const changedFiles = await listChangedFiles(repo.root, base, head);
    const changes = computeChangeSet({ base: before, head: after, changedFiles });
    const users = [...after.models.values()].filter((m) => m.rawSql.includes("cents_to_units"));
    expect(changes.changed.map((change) => change.model).sort()).toEqual(
      users.map((m) => m.name).sort(),
    );
  });
});
