import type { GitHubClient } from "./client.js";

/**
 * Whose comments are ours. A login when it is known: the `comment-author` input, or the token's
 * user (a personal token). An installation token (the workflow's GITHUB_TOKEN, or a GitHub App's
 * from actions/create-github-app-token) cannot read /user and writes as `<app-slug>[bot]`,
 * which it cannot learn: then any bot's comment carrying our marker is ours. People cannot post
 * as a bot, so a pasted marker in a human comment is still never touched.
 */
export type CommentAuthor = { login: string } | { anyBot: true };

export interface CommentUser {
  login: string;
  type?: string;
}

export async function commentAuthor(
  client: GitHubClient,
  configured: string | undefined,
): Promise<CommentAuthor> {
  if (configured) return { login: configured };
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return { login: data.login };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401 || status === 403) return { anyBot: true };
    throw error;
  }
}

export function wroteIt(author: CommentAuthor, user: CommentUser | null | undefined): boolean {
  if (!user) return false;
  if ("login" in author) return user.login.toLowerCase() === author.login.toLowerCase();
  return user.type === "Bot";
}
