import * as github from "@actions/github";
import { retry } from "@octokit/plugin-retry";

export type GitHubClient = ReturnType<typeof github.getOctokit>;

/** Transient API errors (5xx, 429, network) are retried with backoff; 4xx answers are final. */
export function createGitHubClient(token: string): GitHubClient {
  return github.getOctokit(token, {}, retry);
}

export interface RepoRef {
  owner: string;
  repo: string;
}
