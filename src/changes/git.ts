import { git, GitCommandError } from "../project/files/git.js";

/** The base revision cannot be used; the message says what to change in the workflow. */
export class BaseRevisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaseRevisionError";
  }
}

const NULL_SHA = /^0+$/;

/**
 * The full sha of the base revision (the pull request's base, or the push's `before`), checking
 * that the commit is in the clone: actions/checkout fetches a single commit by default.
 */
export async function resolveBaseRevision(repoRoot: string, ref: string): Promise<string> {
  if (ref.trim() === "" || NULL_SHA.test(ref)) {
    throw new BaseRevisionError(
      "There is no base revision to compare with (this event has none, e.g. a schedule, or a " +
        "push that created a branch). " +
        "Set the `models` input (names, `name+`, or `all`) or `base-ref` to choose what to deploy.",
    );
  }
  try {
    return (await git(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    const shallow =
      (await git(repoRoot, ["rev-parse", "--is-shallow-repository"])).trim() === "true";
    if (!shallow) {
      // A complete clone lacks it only when the push rewrote history: no fetch brings it back.
      throw new BaseRevisionError(
        `The base revision ${ref} is not in this clone, which is complete (not shallow): the push ` +
          "replaced it (a force-push), so no fetch brings it back. Set `base-ref` to the revision " +
          "last deployed, or `models` (names, `name+` or `all`) to choose what to deploy.",
      );
    }
    throw new BaseRevisionError(
      `The base revision ${ref} is not in this clone (it is a shallow clone). ` +
        "Set `fetch-depth: 0` in the actions/checkout step (with: fetch-depth: 0) so the base " +
        "commit is fetched, or fetch it before this step (git fetch origin <base>).",
    );
  }
}

/**
 * Repo-relative paths that differ between `base` and `head`, or the working tree (untracked files
 * included) when `head` is undefined. Renames are listed as deletion plus addition, so both paths
 * appear.
 */
export async function listChangedFiles(
  repoRoot: string,
  base: string,
  head?: string,
): Promise<string[]> {
  const diff = ["-c", "core.quotepath=off", "diff", "--name-only", "--no-renames", "-z", base];
  const outputs = await Promise.all(
    head === undefined
      ? [git(repoRoot, diff), git(repoRoot, ["ls-files", "--others", "--exclude-standard", "-z"])]
      : [git(repoRoot, [...diff, head])],
  );
  const files = new Set(outputs.flatMap((output) => output.split("\0")).filter(Boolean));
  return [...files].sort();
}
