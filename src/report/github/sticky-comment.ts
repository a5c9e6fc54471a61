import { withoutFooter } from "../markdown.js";
import type { GitHubClient, RepoRef } from "./client.js";

export interface StickyComment {
  url: string;
  outcome: "created" | "updated" | "unchanged";
}

/**
 * One comment per marker, written by `author`: found among the pull request's comments, its
 * body replaced in place, and left alone when nothing but the run link changed.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  target: RepoRef & { issueNumber: number },
  marker: string,
  author: string,
  body: string,
): Promise<StickyComment> {
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  const ours = comments.find(
    (comment) => comment.user?.login === author && (comment.body ?? "").includes(marker),
  );
  if (ours) {
    if (withoutFooter(ours.body ?? "") === withoutFooter(body)) {
      return { url: ours.html_url, outcome: "unchanged" };
    }
    const { data } = await client.rest.issues.updateComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: ours.id,
      body,
    });
    return { url: data.html_url, outcome: "updated" };
  }
  const { data } = await client.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { url: data.html_url, outcome: "created" };
}
