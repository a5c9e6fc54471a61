import { withoutFooter } from "../context.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { wroteIt, type CommentAuthor } from "./comment-author.js";

export type IssueRef = RepoRef & { issueNumber: number };

export interface OwnComment {
  id: number;
  url: string;
  body: string;
}

export interface WrittenComment {
  url: string;
  outcome: "created" | "updated" | "unchanged";
}

/** Our newest comment carrying `marker` (newest, so one we cannot edit any more is outgrown). */
export async function findOwnComment(
  client: GitHubClient,
  target: IssueRef,
  marker: string,
  author: CommentAuthor,
): Promise<OwnComment | undefined> {
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  const ours = comments.filter(
    (comment) => wroteIt(author, comment.user) && (comment.body ?? "").includes(marker),
  );
  const newest = ours.at(-1);
  return newest && { id: newest.id, url: newest.html_url, body: newest.body ?? "" };
}

export async function updateComment(
  client: GitHubClient,
  target: RepoRef,
  id: number,
  body: string,
): Promise<string> {
  const { data } = await client.rest.issues.updateComment({
    owner: target.owner,
    repo: target.repo,
    comment_id: id,
    body,
  });
  return data.html_url;
}

/**
 * One comment per marker: its body replaced in place, and left alone when nothing but the
 * run link changed (an edit notifies nobody, so an unchanged rerun stays silent too).
 */
export async function upsertComment(
  client: GitHubClient,
  target: IssueRef,
  marker: string,
  author: CommentAuthor,
  body: string,
): Promise<WrittenComment> {
  const ours = await findOwnComment(client, target, marker, author);
  if (ours) {
    if (withoutFooter(ours.body) === withoutFooter(body)) {
      return { url: ours.url, outcome: "unchanged" };
    }
    return { url: await updateComment(client, target, ours.id, body), outcome: "updated" };
  }
  const { data } = await client.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { url: data.html_url, outcome: "created" };
}
