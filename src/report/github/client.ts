import * as github from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import packageJson from "../../../package.json" with { type: "json" };

export type GitHubClient = ReturnType<typeof github.getOctokit>;

/** The REST API version every request asks for, so GitHub's default moving on changes nothing. */
export const API_VERSION = "2022-11-28";

/**
 * Transient API errors (5xx, 429, network) are retried with backoff; 4xx answers are final.
 * Requests name this action in their User-Agent, as GitHub asks integrations to.
 */
export function createGitHubClient(token: string): GitHubClient {
  const client = github.getOctokit(
    token,
    { userAgent: `${packageJson.name}/${packageJson.version}` },
    retry,
  );
  client.hook.before("request", (options) => {
    options.headers["x-github-api-version"] = API_VERSION;
  });
  return client;
}

export interface RepoRef {
  owner: string;
  repo: string;
}
