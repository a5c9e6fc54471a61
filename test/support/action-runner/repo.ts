import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempRepo {
  dir: string;
  /** The commit createRepo made. */
  baseSha: string;
  /** Writes `files` (paths relative to the repo), removes `delete`, commits everything; returns the sha. */
  commit(files: Record<string, string>, message: string, options?: { delete?: string[] }): string;
  /** `git checkout [-b] <ref>`; cheap branches for pull-request shaped histories. */
  checkout(ref: string, options?: { create?: boolean }): void;
  revParse(ref?: string): string;
  git(...args: string[]): string;
  remove(): void;
}

// Neither the machine's git configuration nor GIT_* variables from an enclosing git process (a hook
// sets GIT_DIR and GIT_INDEX_FILE) may reach these commands: they would shape, or even redirect, them.
const gitEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("GIT_"))),
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
};

/** Runs git in `dir`, returning its trimmed output. */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env: gitEnv, encoding: "utf8" }).trim();
}

export function createRepo(
  options: { files?: Record<string, string>; message?: string } = {},
): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "rwzd-repo-"));
  const git = (...args: string[]) => gitIn(dir, ...args);

  git("init", "-q", "-b", "main");
  // Local config, so git commands the action itself runs in this repository behave the same.
  git("config", "user.name", "Test Author");
  git("config", "user.email", "test-author@example.com");
  git("config", "commit.gpgsign", "false");

  const commit: TempRepo["commit"] = (files, message, commitOptions = {}) => {
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    if (commitOptions.delete?.length) git("rm", "-q", "-r", "--", ...commitOptions.delete);
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", message);
    return git("rev-parse", "HEAD");
  };

  const baseSha = commit(options.files ?? {}, options.message ?? "base");
  return {
    dir,
    baseSha,
    commit,
    checkout: (ref, checkoutOptions = {}) =>
      void git("checkout", "-q", ...(checkoutOptions.create ? ["-b"] : []), ref),
    revParse: (ref = "HEAD") => git("rev-parse", ref),
    git,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
