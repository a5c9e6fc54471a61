import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  BaseRevisionError,
  listChangedFiles,
  resolveBaseRevision,
} from "../../src/changes/index.js";
import { GitRepo } from "./git-repo.js";

describe("resolveBaseRevision", () => {
  it("returns the full sha of a revision in the clone", async () => {
    const repo = GitRepo.fromFixture("shop");
    const sha = repo.git("rev-parse", "HEAD").trim();
    await expect(resolveBaseRevision(repo.root, "main")).resolves.toBe(sha);
    await expect(resolveBaseRevision(repo.root, sha.slice(0, 10))).resolves.toBe(sha);
    repo.dispose();
  });

  it("explains fetch-depth: 0 when the base commit is missing from a shallow clone", async () => {
    const origin = GitRepo.fromFixture("shop");
    const base = origin.git("rev-parse", "HEAD").trim();
    origin.edit("models/staging/stg_orders.sql", (sql) => `${sql}\n-- head`);
    origin.commit("head");
    const clone = mkdtempSync(path.join(tmpdir(), "rwzd-shallow-"));
    execFileSync("git", ["clone", "--quiet", "--depth=1", `file://${origin.root}`, clone]);
    const error = await resolveBaseRevision(clone, base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaseRevisionError);
    expect((error as Error).message).toContain(
      `${base} is not in this clone (it is a shallow clone)`,
    );
    expect((error as Error).message).toContain("fetch-depth: 0");
    origin.dispose();
    rmSync(clone, { recursive: true, force: true });
  });

  it("refuses the all-zero sha of a push that created a branch", async () => {
    const repo = GitRepo.fromFixture("shop");
    await expect(resolveBaseRevision(repo.root, "0".repeat(40))).rejects.toThrow(
      /no base revision/,
    );
    repo.dispose();
  });
});

describe("listChangedFiles", () => {
  it("lists both paths of a rename, between commits and against the working tree", async () => {
    const repo = GitRepo.fromFixture("shop");
    const base = repo.git("rev-parse", "HEAD").trim();
    repo.move("models/marts/customer_list.sql", "models/marts/customers.sql");
    const head = repo.commit("rename");
    expect(await listChangedFiles(repo.root, base, head)).toEqual([
      "models/marts/customer_list.sql",
      "models/marts/customers.sql",
    ]);
    repo.write("models/new model.sql", "select 1");
    expect(await listChangedFiles(repo.root, head)).toEqual(["models/new model.sql"]);
    repo.dispose();
  });
});
