export { createRepo, type TempRepo } from "./repo.js";
export {
  pullRequestEvent,
  pushEvent,
  repository,
  scheduleEvent,
  workflowDispatchEvent,
  type EventName,
  type WorkflowEvent,
} from "./events.js";
export { defaultToken, runAction, type RunActionOptions, type RunResult } from "./run.js";
export type { Annotation } from "./workflow-commands.js";
