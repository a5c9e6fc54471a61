import type { GitHubClient } from "./client.js";
import { findOwnComment, updateComment, type IssueRef } from "./comments.js";
import type { CommentAuthor } from "./comment-author.js";

const START = "<!-- deploy-result-link -->";
const END = "<!-- /deploy-result-link -->";

/**
 * The reviewed plan stays as it was, under a line that says what its merge did and links the
 * result comment; a later deploy of the same pull request replaces that line.
 */
export function withResultLink(planBody: string, line: string): string {
  const block = `${START}\n${line}\n${END}\n\n`;
  // Right after the marker line, and only there: the plan's SQL may hold the same text.
  const newline = planBody.indexOf("\n");
  if (newline === -1) return `${planBody}\n${block}`;
  const head = planBody.slice(0, newline + 1);
  let rest = planBody.slice(newline + 1);
  const end = rest.indexOf(END);
  if (rest.startsWith(START) && end !== -1) {
    rest = rest.slice(end + END.length).replace(/^\n+/, "");
  }
  return `${head}${block}${rest}`;
}

/** Points the pull request's plan comment (if we wrote one) at the deploy result. */
export async function linkPlanToResult(
  client: GitHubClient,
  target: IssueRef,
  planMarker: string,
  author: CommentAuthor,
  line: string,
): Promise<boolean> {
  const plan = await findOwnComment(client, target, planMarker, author);
  if (!plan) return false;
  const body = withResultLink(plan.body, line);
  if (body === plan.body) return true;
  await updateComment(client, target, plan.id, body);
  return true;
}
