import type { TempRepo } from "../support/action-runner/index.js";
import type { GitHubApi } from "../support/github-api/index.js";

/**
 * Merges `branch` into main with a merge commit, as GitHub's merge button does, and records the
 * pull request as merged by that commit. Returns the merge commit, which the push then deploys.
 */
export function mergePullRequest(
  repo: TempRepo,
  api: GitHubApi,
  pull: { number: number; baseSha: string; headSha: string; branch?: string },
): string {
  repo.checkout("main");
  repo.git(
    "merge",
    "-q",
    "--no-ff",
    "-m",
    `Merge pull request #${pull.number}`,
    pull.branch ?? "feature",
  );
  const sha = repo.revParse();
  api.addPull({ ...pull, merged: true, mergeCommitSha: sha });
  return sha;
}
