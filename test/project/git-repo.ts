import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../fixtures/dbt/", import.meta.url));

/** A throwaway git repository holding a copy of a fixture dbt project, driven by real git. */
export class GitRepo {
  private constructor(readonly root: string) {}

  /** `projectDir` places the project in a subfolder of the repository. */
  static fromFixture(fixture: string, projectDir = "."): GitRepo {
    const root = mkdtempSync(path.join(tmpdir(), `rwzd-${fixture}-`));
    cpSync(path.join(FIXTURES, fixture), path.join(root, projectDir), { recursive: true });
    const repo = new GitRepo(root);
    repo.git("init", "--quiet", "--initial-branch=main");
    repo.commit("base");
    return repo;
  }

  static empty(): GitRepo {
    const repo = new GitRepo(mkdtempSync(path.join(tmpdir(), "rwzd-repo-")));
    repo.git("init", "--quiet", "--initial-branch=main");
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync(
      "git",
      ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args],
      { cwd: this.root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
  }

  read(file: string): string {
    return readFileSync(path.join(this.root, file), "utf8");
  }

  write(file: string, content: string): this {
    mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
    writeFileSync(path.join(this.root, file), content);
    return this;
  }

  edit(file: string, change: (content: string) => string): this {
    const before = this.read(file);
    const after = change(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    return this.write(file, after);
  }

  remove(file: string): this {
    rmSync(path.join(this.root, file));
    return this;
  }

  move(from: string, to: string): this {
    mkdirSync(path.dirname(path.join(this.root, to)), { recursive: true });
    renameSync(path.join(this.root, from), path.join(this.root, to));
    return this;
  }

  /** Commits everything and returns the new commit's sha. */
  commit(message: string): string {
    this.git("add", "-A");
    this.git("commit", "--quiet", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
