export { createRepo, type TempRepo } from "./repo.js";
export {
  issueCommentEvent,
  mergeGroupEvent,
  pullRequestEvent,
  pushEvent,
  repository,
  scheduleEvent,
  workflowDispatchEvent,
  type EventName,
  type PullRequestEventName,
  type WorkflowEvent,
} from "./events.js";
export { defaultToken, runAction, type RunActionOptions, type RunResult } from "./run.js";
export type { Annotation } from "./workflow-commands.js";
