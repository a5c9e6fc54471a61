import type { ApiState, GitHubUser, PullFile, StoredComment, StoredPull } from "./types.js";

/** The identity of a workflow's default GITHUB_TOKEN. */
export const githubActionsBot: GitHubUser = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};

export interface StateOptions {
  owner?: string;
  repo?: string;
  viewer?: GitHubUser;
  userEndpoint?: ApiState["userEndpoint"];
}

export function createState(options: StateOptions = {}): ApiState {
  return {
    owner: options.owner ?? "acme",
    repo: options.repo ?? "analytics",
    viewer: options.viewer ?? githubActionsBot,
    userEndpoint: options.userEndpoint ?? "forbidden",
    comments: [],
    pulls: [],
    commitPulls: {},
    defaultBranchCommits: new Set(),
  };
}

export interface PullInit {
  number: number;
  baseSha: string;
  headSha: string;
  baseRef?: string;
  headRef?: string;
  title?: string;
  body?: string | null;
  state?: StoredPull["state"];
  merged?: boolean;
  mergeCommitSha?: string | null;
  user?: GitHubUser;
  files?: Array<Pick<PullFile, "filename"> & Partial<PullFile>>;
}

export const DEFAULT_BRANCH = "main";

const author: GitHubUser = { login: "octocat", id: 583231, type: "User" };

/** Registers the pull request and, as GitHub does, associates its head and merge commits with it. */
export function addPull(state: ApiState, init: PullInit): StoredPull {
  const pull: StoredPull = {
    number: init.number,
    title: init.title ?? `Change #${init.number}`,
    body: init.body ?? null,
    state: init.state ?? (init.merged ? "closed" : "open"),
    merged_at: init.merged ? timestamp() : null,
    merge_commit_sha: init.mergeCommitSha ?? null,
    user: init.user ?? author,
    base: { ref: init.baseRef ?? DEFAULT_BRANCH, sha: init.baseSha },
    head: { ref: init.headRef ?? `feature-${init.number}`, sha: init.headSha },
    files: (init.files ?? []).map((file) => ({
      status: "modified",
      additions: 1,
      deletions: 0,
      changes: 1,
      ...file,
    })),
  };
  state.pulls = state.pulls.filter((existing) => existing.number !== pull.number).concat(pull);
  if (pull.merged_at && pull.merge_commit_sha && pull.base.ref === DEFAULT_BRANCH) {
    state.defaultBranchCommits.add(pull.merge_commit_sha);
  }
  for (const sha of [pull.head.sha, pull.merge_commit_sha]) {
    if (!sha) continue;
    const numbers = state.commitPulls[sha] ?? [];
    if (!numbers.includes(pull.number)) state.commitPulls[sha] = [...numbers, pull.number];
  }
  return pull;
}

// Ids far from 1 so a product that confuses comment ids with issue numbers fails visibly.
let nextCommentId = 2_000_000_001;

export function addComment(
  state: ApiState,
  init: { issue: number; body: string; user?: GitHubUser },
): StoredComment {
  const now = timestamp();
  const comment: StoredComment = {
    id: nextCommentId++,
    issue_number: init.issue,
    body: init.body,
    user: init.user ?? author,
    created_at: now,
    updated_at: now,
  };
  state.comments.push(comment);
  return comment;
}

/** GitHub's timestamps have second precision, without milliseconds. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
