export { startGitHubApi, type GitHubApi, type GitHubApiOptions } from "./server.js";
export { githubActionsBot, type PullInit } from "./state.js";
export { maxCommentLength } from "./routes.js";
export type { FaultOptions } from "./faults.js";
export type {
  ApiState,
  GitHubUser,
  PullFile,
  RecordedRequest,
  StoredComment,
  StoredPull,
} from "./types.js";
