import { repository, type WorkflowEvent } from "./events.js";

/** Paths of one run's scratch area, created before the action starts. */
export interface RunPaths {
  workspace: string;
  eventPath: string;
  output: string;
  stepSummary: string;
  state: string;
  env: string;
  path: string;
  runnerTemp: string;
  toolCache: string;
  home: string;
}

export interface RunContext {
  event: WorkflowEvent;
  apiUrl: string;
  /** What `${{ github.token }}` evaluates to. */
  token: string;
  /** The checked-out commit (the runner's GITHUB_SHA). */
  headSha: string;
  paths: RunPaths;
}

/** The `github` and `runner` contexts an action.yml default may refer to. */
export function expressionContexts(context: RunContext) {
  const vars = runnerVariables(context);
  return {
    github: {
      token: context.token,
      repository: vars.GITHUB_REPOSITORY,
      repository_owner: vars.GITHUB_REPOSITORY_OWNER,
      event_name: vars.GITHUB_EVENT_NAME,
      sha: vars.GITHUB_SHA,
      ref: vars.GITHUB_REF,
      workspace: vars.GITHUB_WORKSPACE,
      server_url: vars.GITHUB_SERVER_URL,
      api_url: vars.GITHUB_API_URL,
      run_id: vars.GITHUB_RUN_ID,
    },
    runner: { os: vars.RUNNER_OS, temp: vars.RUNNER_TEMP },
  };
}

/**
 * The variables a GitHub-hosted Ubuntu runner gives a node action's process (without the inputs).
 * On pull_request, GITHUB_SHA stands for the merge commit actions/checkout checks out: here, the
 * temp repository's HEAD.
 */
export function runnerVariables({ event, apiUrl, headSha, paths }: RunContext) {
  const { ref, sha, baseRef, headRef } = refs(event, headSha);
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION: "deploy",
    GITHUB_ACTOR: "octocat",
    GITHUB_ACTOR_ID: "583231",
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: `${repository.owner}/${repository.name}`,
    GITHUB_REPOSITORY_OWNER: repository.owner,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: paths.eventPath,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags|pull)\//, ""),
    GITHUB_REF_TYPE: ref.startsWith("refs/tags/") ? "tag" : "branch",
    GITHUB_BASE_REF: baseRef,
    GITHUB_HEAD_REF: headRef,
    GITHUB_SHA: sha,
    GITHUB_WORKFLOW: "deploy",
    GITHUB_JOB: "deploy",
    GITHUB_RUN_ID: "9000000001",
    GITHUB_RUN_NUMBER: "42",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKSPACE: paths.workspace,
    GITHUB_OUTPUT: paths.output,
    GITHUB_STEP_SUMMARY: paths.stepSummary,
    GITHUB_STATE: paths.state,
    GITHUB_ENV: paths.env,
    GITHUB_PATH: paths.path,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_NAME: "GitHub Actions 1",
    RUNNER_ENVIRONMENT: "github-hosted",
    RUNNER_TEMP: paths.runnerTemp,
    RUNNER_TOOL_CACHE: paths.toolCache,
  };
}

function refs(event: WorkflowEvent, headSha: string) {
  const payload = event.payload as {
    number?: number;
    ref?: string;
    after?: string;
    pull_request?: { base?: { ref?: string }; head?: { ref?: string } };
  };
  const merge = (event.payload as { merge_group?: { head_ref?: string; head_sha?: string } })
    .merge_group;
  if (merge) {
    return { ref: merge.head_ref ?? "", sha: merge.head_sha ?? headSha, baseRef: "", headRef: "" };
  }
  if (event.name === "pull_request_target") {
    // The workflow runs from the base branch, as GitHub runs it.
    return {
      ref: `refs/heads/${payload.pull_request?.base?.ref ?? "main"}`,
      sha: headSha,
      baseRef: payload.pull_request?.base?.ref ?? "",
      headRef: payload.pull_request?.head?.ref ?? "",
    };
  }
  if (event.name.startsWith("pull_request")) {
    return {
      ref: `refs/pull/${payload.number}/merge`,
      sha: headSha,
      baseRef: payload.pull_request?.base?.ref ?? "",
      headRef: payload.pull_request?.head?.ref ?? "",
    };
  }
  return {
    ref: payload.ref ?? "refs/heads/main",
    sha: event.name === "push" && payload.after ? payload.after : headSha,
    baseRef: "",
    headRef: "",
  };
}
