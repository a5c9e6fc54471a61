import type { GitHubClient, RepoRef } from "./client.js";

/**
 * The pull request whose merge produced `sha` (merge, squash or rebase: GitHub records the commit
 * the merge left on the base branch as `merge_commit_sha`). Never an open pull request: for a
 * commit outside the default branch GitHub lists open ones too, and a deploy report on one of
 * them would overwrite a plan that has nothing to do with this deploy.
 */
export async function findMergedPull(
  client: GitHubClient,
  target: RepoRef,
  sha: string,
): Promise<number | undefined> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: target.owner,
    repo: target.repo,
    commit_sha: sha,
    per_page: 100,
  });
  return data.find((pull) => pull.merged_at !== null && pull.merge_commit_sha === sha)?.number;
}
