import type { GitHubClient } from "./client.js";

/** The author of comments made with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = "github-actions[bot]";

/**
 * Whose comments we may update: the token's own user. An installation token (GITHUB_TOKEN
 * included) cannot read /user, and then writes as github-actions[bot].
 */
export async function viewerLogin(client: GitHubClient): Promise<string> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401 || status === 403) return ACTIONS_BOT;
    throw error;
  }
}
