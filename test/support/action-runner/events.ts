// Webhook payloads trimmed to what actions read, shaped like GitHub's (field names and nesting).

export type EventName =
  | "pull_request"
  | "pull_request_target"
  | "pull_request_review"
  | "pull_request_review_comment"
  | "merge_group"
  | "issue_comment"
  | "push"
  | "schedule"
  | "workflow_dispatch";

/** The events whose payload carries a `pull_request` object, and whose code is the pull request's. */
export type PullRequestEventName =
  "pull_request" | "pull_request_target" | "pull_request_review" | "pull_request_review_comment";

export interface WorkflowEvent {
  name: EventName;
  payload: Record<string, unknown>;
}

/** The repository every run pretends to be in (GITHUB_REPOSITORY). */
export const repository = { owner: "acme", name: "analytics" } as const;

const repositoryJson = {
  id: 700_000_001,
  name: repository.name,
  full_name: `${repository.owner}/${repository.name}`,
  private: true,
  owner: { login: repository.owner, id: 900_000_001, type: "Organization" },
  html_url: `https://github.com/${repository.owner}/${repository.name}`,
  default_branch: "main",
};

const sender = { login: "octocat", id: 583231, type: "User" };

export function pullRequestEvent(options: {
  number: number;
  baseSha: string;
  headSha: string;
  baseRef?: string;
  headRef?: string;
  action?: "opened" | "synchronize" | "reopened" | "closed";
  merged?: boolean;
  /** Default pull_request; the review events add a review or a review comment to the payload. */
  name?: PullRequestEventName;
}): WorkflowEvent {
  const { number } = options;
  const name = options.name ?? "pull_request";
  const review =
    name === "pull_request_review"
      ? { action: "submitted", review: { id: 80_000_001, state: "approved", user: sender } }
      : name === "pull_request_review_comment"
        ? { action: "created", comment: { id: 81_000_001, body: "LGTM", user: sender } }
        : {};
  return {
    name,
    payload: {
      action: options.action ?? "synchronize",
      ...review,
      number,
      pull_request: {
        number,
        state: options.action === "closed" ? "closed" : "open",
        merged: options.merged ?? false,
        title: `Change #${number}`,
        html_url: `${repositoryJson.html_url}/pull/${number}`,
        user: sender,
        base: { ref: options.baseRef ?? "main", sha: options.baseSha, repo: repositoryJson },
        head: {
          ref: options.headRef ?? `feature-${number}`,
          sha: options.headSha,
          repo: repositoryJson,
        },
      },
      repository: repositoryJson,
      sender,
    },
  };
}

export function pushEvent(options: {
  before: string;
  after: string;
  ref?: string;
  message?: string;
}): WorkflowEvent {
  const message = options.message ?? "Merge pull request";
  return {
    name: "push",
    payload: {
      ref: options.ref ?? "refs/heads/main",
      before: options.before,
      after: options.after,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${repositoryJson.html_url}/compare/${options.before.slice(0, 12)}...${options.after.slice(0, 12)}`,
      commits: [{ id: options.after, message, distinct: true }],
      head_commit: { id: options.after, message },
      pusher: { name: sender.login },
      repository: repositoryJson,
      sender,
    },
  };
}

/** A scheduled run's payload carries only the cron line that fired. */
export function scheduleEvent(cron = "0 3 * * *"): WorkflowEvent {
  return { name: "schedule", payload: { schedule: cron } };
}

export function workflowDispatchEvent(
  inputs: Record<string, string> = {},
  ref = "refs/heads/main",
): WorkflowEvent {
  return {
    name: "workflow_dispatch",
    payload: {
      inputs,
      ref,
      repository: repositoryJson,
      sender,
      workflow: ".github/workflows/deploy.yml",
    },
  };
}

/** A merge queue run: its head is the base branch plus the queued pull requests. */
export function mergeGroupEvent(options: {
  baseSha: string;
  headSha: string;
  number: number;
}): WorkflowEvent {
  const headRef = `refs/heads/gh-readonly-queue/main/pr-${options.number}-${options.baseSha}`;
  return {
    name: "merge_group",
    payload: {
      action: "checks_requested",
      merge_group: {
        head_sha: options.headSha,
        head_ref: headRef,
        base_sha: options.baseSha,
        base_ref: "refs/heads/main",
        head_commit: { id: options.headSha, message: `Merge pull request #${options.number}` },
      },
      repository: repositoryJson,
      sender,
    },
  };
}

/** A comment on a pull request's conversation: the payload has the issue, not the pull request. */
export function issueCommentEvent(options: { number: number; body: string }): WorkflowEvent {
  const html = `${repositoryJson.html_url}/pull/${options.number}`;
  return {
    name: "issue_comment",
    payload: {
      action: "created",
      issue: {
        number: options.number,
        title: `Change #${options.number}`,
        state: "open",
        user: sender,
        pull_request: { html_url: html, url: html },
      },
      comment: { id: 82_000_001, body: options.body, user: sender },
      repository: repositoryJson,
      sender,
    },
  };
}
