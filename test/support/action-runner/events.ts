// Webhook payloads trimmed to what actions read, shaped like GitHub's (field names and nesting).

export type EventName = "pull_request" | "push" | "schedule" | "workflow_dispatch";

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
}): WorkflowEvent {
  const { number } = options;
  return {
    name: "pull_request",
    payload: {
      action: options.action ?? "synchronize",
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
