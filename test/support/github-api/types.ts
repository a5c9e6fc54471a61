// Field names mirror GitHub's JSON (snake_case) so tests read like the API responses they stand for.

export interface GitHubUser {
  login: string;
  id: number;
  type: "Bot" | "User";
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  user: GitHubUser;
  created_at: string;
  updated_at: string;
}

export interface PullFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  previous_filename?: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
}

export interface StoredPull {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  merged_at: string | null;
  merge_commit_sha: string | null;
  user: GitHubUser;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  files: PullFile[];
}

export interface ApiState {
  owner: string;
  repo: string;
  /** The identity behind the token: author of the comments it posts. */
  viewer: GitHubUser;
  /**
   * What `GET /user` answers. A workflow's GITHUB_TOKEN is an installation token and gets
   * 403 "Resource not accessible by integration"; a personal access token gets its user.
   */
  userEndpoint: "forbidden" | "ok";
  comments: StoredComment[];
  pulls: StoredPull[];
  /** Commit sha → numbers of the pull requests GitHub associates with it (head or merge commit). */
  commitPulls: Record<string, number[]>;
  /**
   * Commits on the default branch: for these GitHub lists only the merged pull request that
   * introduced them. A merged pull request's merge commit is one; a test adds direct pushes.
   */
  defaultBranchCommits: Set<string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as node:http delivers them. */
  headers: Record<string, string>;
  /** Parsed JSON; the raw text when it was not JSON; undefined without a body. */
  body: unknown;
  /** The route template that served it, e.g. "GET /user"; undefined when no route matched. */
  route: string | undefined;
  status: number;
}
