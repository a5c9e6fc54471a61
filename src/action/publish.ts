import * as core from "@actions/core";
import { createGitHubClient, type GitHubClient } from "../report/github/client.js";
import { commentAuthor } from "../report/github/comment-author.js";
import { upsertComment } from "../report/github/comments.js";
import { findMergedPull } from "../report/github/merged-pull.js";
import { linkPlanToResult } from "../report/github/plan-link.js";
import {
  commentMarker,
  reportTarget,
  type CommentKind,
  type ReportContext,
} from "../report/context.js";
import { redactRequests } from "../security/redact-requests.js";
import { setOutput } from "../security/outputs.js";
import { redact, secrets } from "../security/secrets.js";
import type { Settings } from "../settings/settings.js";
import type { EventContext } from "./event.js";

export interface PublishContext extends EventContext {
  repo: { owner: string; repo: string };
  serverUrl: string;
  runId: number;
}

/** A push deploys what a merge produced: its report is a result, not the plan a review saw. */
export function commentKindFor(eventName: string): CommentKind {
  return eventName === "push" ? "result" : "plan";
}

export function reportContext(
  projectName: string | undefined,
  settings: Settings,
  context: PublishContext,
  env: Record<string, string | undefined> = process.env,
): ReportContext {
  const repoUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}`;
  const commitSha = context.payload.pull_request?.head?.sha ?? context.sha;
  return {
    projectDir: settings.projectDir,
    projectName,
    targetSchema: settings.targetSchema,
    target: reportTarget(settings, env),
    commitSha,
    commitUrl: commitSha ? `${repoUrl}/commit/${commitSha}` : undefined,
    runUrl: `${repoUrl}/actions/runs/${context.runId}`,
  };
}

/** The job summary always; failing to write it is only a warning. */
export async function writeSummary(body: string): Promise<void> {
  try {
    await core.summary.addRaw(redact(body)).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}

export interface PublishedReport {
  body: string;
  /** "✅ Deployed", "❌ Deploy failed", …: what the plan comment's link says. */
  verdict: string;
}

/**
 * The pull request comments. On a pull request: its one plan comment, updated in place. After a
 * push: a new result comment on the pull request whose merge produced the commit (a new comment
 * notifies people; an edit does not), and a line on that pull request's plan comment pointing
 * to it. A failure here never fails the deploy: forks get read-only tokens, and the API can be
 * down. The report is rendered only once there is a pull request to put it on: rendering a large
 * plan costs as much as planning it.
 */
export async function publishComment(
  render: () => PublishedReport,
  context: ReportContext,
  settings: Settings,
  event: PublishContext,
): Promise<void> {
  if (!settings.comment) return;
  if (!settings.githubToken) {
    core.warning("No github-token: the pull request comment was skipped.");
    return;
  }
  const kind = commentKindFor(event.eventName);
  let client: GitHubClient;
  let number: number | undefined;
  try {
    client = createGitHubClient(settings.githubToken);
    redactRequests(client, secrets);
    number =
      kind === "plan"
        ? event.payload.pull_request?.number
        : await findMergedPull(client, event.repo, event.sha);
  } catch (error) {
    warnNotWritten(error);
    return;
  }
  if (number === undefined) {
    if (kind === "result") {
      core.info(
        "No merged pull request produced this commit: the report is in the job summary only.",
      );
    }
    return;
  }
  // Outside the API's try: a report that cannot be rendered is the action's failure, not GitHub's.
  const report = render();
  try {
    const target = { ...event.repo, issueNumber: number };
    const author = await commentAuthor(client, settings.commentAuthor);
    const comment = await upsertComment(
      client,
      target,
      commentMarker(context, kind),
      author,
      redact(report.body),
    );
    setOutput("comment-url", comment.url);
    core.info(`Pull request #${number} ${kind} comment ${comment.outcome}: ${comment.url}`);
    if (kind === "result") {
      const short = context.commitSha ? ` (commit ${context.commitSha.slice(0, 12)})` : "";
      const linked = await linkPlanToResult(
        client,
        target,
        commentMarker(context, "plan"),
        author,
        `**After the merge${short}:** [${report.verdict}](${comment.url}). The plan below is as it was reviewed.`,
      );
      if (linked) core.info(`Pull request #${number} plan comment now links the result.`);
    }
  } catch (error) {
    warnNotWritten(error);
  }
}

function warnNotWritten(error: unknown): void {
  const status = (error as { status?: number }).status;
  core.warning(
    `Could not write the pull request comment${status ? ` (HTTP ${status})` : ""}: ${(error as Error).message}. ` +
      "The deploy itself is unaffected; the report is in the job summary.",
  );
}
