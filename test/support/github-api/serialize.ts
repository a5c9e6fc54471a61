import type { ApiState, GitHubUser, StoredComment, StoredPull } from "./types.js";

/** Where the served JSON's URLs point: the API itself and the web UI (GITHUB_SERVER_URL). */
export interface Origins {
  apiUrl: string;
  serverUrl: string;
}

export function userJson(user: GitHubUser, origins: Origins) {
  return {
    login: user.login,
    id: user.id,
    type: user.type,
    site_admin: false,
    url: `${origins.apiUrl}/users/${encodeURIComponent(user.login)}`,
    html_url: `${origins.serverUrl}/${user.login.replace(/\[bot\]$/, "")}`,
  };
}

export function commentJson(comment: StoredComment, state: ApiState, origins: Origins) {
  const repoPath = `${state.owner}/${state.repo}`;
  // The web UI shows a pull request's comments under /pull/, an issue's under /issues/.
  const kind = state.pulls.some((pull) => pull.number === comment.issue_number) ? "pull" : "issues";
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${origins.apiUrl}/repos/${repoPath}/issues/comments/${comment.id}`,
    html_url: `${origins.serverUrl}/${repoPath}/${kind}/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: `${origins.apiUrl}/repos/${repoPath}/issues/${comment.issue_number}`,
    body: comment.body,
    user: userJson(comment.user, origins),
    author_association: comment.user.type === "Bot" ? "NONE" : "MEMBER",
    created_at: comment.created_at,
    updated_at: comment.updated_at,
  };
}

/** `pull-request-simple`, as lists of pull requests carry them. */
export function pullSimpleJson(pull: StoredPull, state: ApiState, origins: Origins) {
  const repoPath = `${state.owner}/${state.repo}`;
  const repo = {
    name: state.repo,
    full_name: repoPath,
    owner: { login: state.owner },
    html_url: `${origins.serverUrl}/${repoPath}`,
  };
  return {
    number: pull.number,
    url: `${origins.apiUrl}/repos/${repoPath}/pulls/${pull.number}`,
    html_url: `${origins.serverUrl}/${repoPath}/pull/${pull.number}`,
    title: pull.title,
    body: pull.body,
    state: pull.state,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    user: userJson(pull.user, origins),
    base: {
      ref: pull.base.ref,
      sha: pull.base.sha,
      label: `${state.owner}:${pull.base.ref}`,
      repo,
    },
    head: {
      ref: pull.head.ref,
      sha: pull.head.sha,
      label: `${state.owner}:${pull.head.ref}`,
      repo,
    },
  };
}

/** `pull-request`, as `GET /pulls/{n}` answers: the list form plus what only it has. */
export function pullJson(pull: StoredPull, state: ApiState, origins: Origins) {
  return {
    ...pullSimpleJson(pull, state, origins),
    merged: pull.merged_at !== null,
    changed_files: pull.files.length,
  };
}
