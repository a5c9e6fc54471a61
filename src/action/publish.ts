import * as core from "@actions/core";
import { createGitHubClient } from "../report/github/client.js";
import { findMergedPull } from "../report/github/merged-pull.js";
import { upsertStickyComment } from "../report/github/sticky-comment.js";
import { viewerLogin } from "../report/github/viewer.js";
import { commentMarker, type ReportContext } from "../report/markdown.js";
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

export function reportContext(
  projectName: string | undefined,
  settings: Settings,
  context: PublishContext,
): ReportContext {
  return {
    projectDir: settings.projectDir,
    projectName,
    targetSchema: settings.targetSchema,
    commitSha: context.payload.pull_request?.head?.sha ?? context.sha,
    runUrl: `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`,
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

/**
 * The sticky pull request comment: on a pull request, that pull request; after a push, the pull
 * request the commit was merged from. A failure here never fails the deploy: forks get read-only
 * tokens, and the API can be down.
 */
export async function publishComment(
  body: string,
  report: ReportContext,
  settings: Settings,
  context: PublishContext,
): Promise<void> {
  if (!settings.comment) return;
  if (!settings.githubToken) {
    core.warning("No github-token: the pull request comment was skipped.");
    return;
  }
  try {
    const client = createGitHubClient(settings.githubToken);
    redactRequests(client, secrets);
    const number =
      context.payload.pull_request?.number ??
      (context.eventName === "push"
        ? await findMergedPull(client, context.repo, context.sha)
        : undefined);
    if (number === undefined) {
      if (context.eventName === "push") {
        core.info(
          "No pull request is associated with this commit: the report is in the job summary only.",
        );
      }
      return;
    }
    const author = await viewerLogin(client);
    const comment = await upsertStickyComment(
      client,
      { ...context.repo, issueNumber: number },
      commentMarker(report),
      author,
      redact(body),
    );
    setOutput("comment-url", comment.url);
    core.info(`Pull request #${number} comment ${comment.outcome}: ${comment.url}`);
  } catch (error) {
    const status = (error as { status?: number }).status;
    core.warning(
      `Could not write the pull request comment${status ? ` (HTTP ${status})` : ""}: ${(error as Error).message}. ` +
        "The deploy itself is unaffected; the report is in the job summary.",
    );
  }
}
