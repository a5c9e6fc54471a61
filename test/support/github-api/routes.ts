import { errorReply, type Reply } from "./errors.js";
import { pageOf } from "./pagination.js";
import { compileRoute, type RoutePattern } from "./route-pattern.js";
import { commentJson, pullJson, pullSimpleJson, userJson, type Origins } from "./serialize.js";
import { addComment, timestamp } from "./state.js";
import type { ApiState, StoredPull } from "./types.js";

export interface RouteContext {
  state: ApiState;
  params: Record<string, string>;
  /** The request URL as the client addressed it, so Link headers point back at this server. */
  url: URL;
  body: unknown;
  origins: Origins;
}

export interface Route {
  pattern: RoutePattern;
  handle(context: RouteContext): Reply;
}

/** GitHub rejects longer comment bodies; it counts characters (code points), not bytes. */
export const maxCommentLength = 65_536;

const docs = "https://docs.github.com/rest/issues/comments";

export const routes: Route[] = [
  route("GET /user", ({ state, origins }) =>
    state.userEndpoint === "ok"
      ? { status: 200, body: userJson(state.viewer, origins) }
      : errorReply(403, "Resource not accessible by integration"),
  ),

  route("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", (context) => {
    const issue = issueNumber(context);
    if (issue === undefined) return errorReply(404);
    const comments = context.state.comments
      .filter((comment) => comment.issue_number === issue)
      .sort((a, b) => a.id - b.id)
      .map((comment) => commentJson(comment, context.state, context.origins));
    return pageOf(comments, context.url);
  }),

  route("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", (context) => {
    const issue = issueNumber(context);
    if (issue === undefined) return errorReply(404);
    const text = commentBody(context.body, `${docs}#create-an-issue-comment`);
    if (typeof text !== "string") return text;
    const { state, origins } = context;
    const comment = addComment(state, { issue, body: text, user: state.viewer });
    const json = commentJson(comment, state, origins);
    return { status: 201, body: json, headers: { location: json.url } };
  }),

  route("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", ({ state, params, origins }) => {
    const comment = state.comments.find((c) => String(c.id) === params.comment_id);
    return comment ? { status: 200, body: commentJson(comment, state, origins) } : errorReply(404);
  }),

  route("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", (context) => {
    const { state, params, origins } = context;
    const comment = state.comments.find((c) => String(c.id) === params.comment_id);
    if (!comment) return errorReply(404);
    const text = commentBody(context.body, `${docs}#update-an-issue-comment`);
    if (typeof text !== "string") return text;
    comment.body = text;
    comment.updated_at = timestamp();
    return { status: 200, body: commentJson(comment, state, origins) };
  }),

  route("GET /repos/{owner}/{repo}/pulls/{pull_number}", (context) => {
    const pull = findPull(context);
    return pull
      ? { status: 200, body: pullJson(pull, context.state, context.origins) }
      : errorReply(404);
  }),

  route("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", (context) => {
    const pull = findPull(context);
    return pull ? pageOf(pull.files, context.url) : errorReply(404);
  }),

  // GitHub: "Lists the merged pull request that introduced the commit to the repository. If the
  // commit is not present in the default branch, it will return merged and open pull requests
  // associated with the commit."
  route(
    "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    ({ state, params, url, origins }) => {
      const sha = params.commit_sha ?? "";
      const associated = (state.commitPulls[sha] ?? [])
        .map((number) => state.pulls.find((pull) => pull.number === number))
        .filter((pull): pull is StoredPull => pull !== undefined);
      const pulls = state.defaultBranchCommits.has(sha)
        ? associated.filter((pull) => pull.merged_at !== null)
        : associated;
      return pageOf(
        pulls.map((pull) => pullSimpleJson(pull, state, origins)),
        url,
      );
    },
  ),
];

function route(template: string, handle: Route["handle"]): Route {
  return { pattern: compileRoute(template), handle };
}

// Comments live on issues; in this stand-in every issue is a pull request the test registered, so a
// product commenting on the wrong number gets GitHub's 404 instead of a comment nobody would see.
function issueNumber({ state, params }: RouteContext): number | undefined {
  return state.pulls.find((pull) => String(pull.number) === params.issue_number)?.number;
}

function findPull({ state, params }: RouteContext): StoredPull | undefined {
  return state.pulls.find((pull) => String(pull.number) === params.pull_number);
}

function commentBody(body: unknown, documentation: string): string | Reply {
  const text = (body as { body?: unknown } | undefined)?.body;
  if (typeof text !== "string") {
    return errorReply(422, 'Invalid request.\n\n"body" wasn\'t supplied.', {
      documentation_url: documentation,
    });
  }
  if ([...text].length > maxCommentLength) {
    return errorReply(422, "Validation Failed", {
      errors: [
        {
          resource: "IssueComment",
          code: "unprocessable",
          field: "data",
          message: `Body is too long (maximum is ${maxCommentLength} characters)`,
        },
      ],
      documentation_url: documentation,
    });
  }
  return text;
}
