import type { GitHubClient, RepoRef } from "./client.js";

/** The pull request a pushed commit came from ("list pull requests associated with a commit"). */
export async function findMergedPull(
  client: GitHubClient,
  target: RepoRef,
  sha: string,
): Promise<number | undefined> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: target.owner,
    repo: target.repo,
    commit_sha: sha,
  });
  const merged = data.find((pull) => pull.merged_at && pull.merge_commit_sha === sha);
  return (merged ?? data.find((pull) => pull.merged_at) ?? data[0])?.number;
}
