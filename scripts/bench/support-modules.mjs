// Test support the bench drives, in one module graph. Load it with loadEntry() (load.mjs) only:
// it imports TypeScript, which plain node cannot run.
export { startUpstream } from "../../test/support/risingwave/upstream.ts";
export { openTargetOn } from "../../test/support/risingwave/target.ts";
export {
  createRepo,
  pushEvent,
  runAction,
  workflowDispatchEvent,
} from "../../test/support/action-runner/index.ts";
export { startGitHubApi } from "../../test/support/github-api/index.ts";
export { actionNode } from "../../test/support/node-runtime.ts";
export { startReaders } from "../../test/e2e/readers.ts";
export { generateProject } from "../../test/project/generate-project.ts";
export { startRecordingReaders } from "../../test/e2e/readers.ts";
export { slowBackfills } from "../../test/support/risingwave/slow-backfill.ts";
