export { ProjectError } from "./errors.js";
export { downstreamClosure } from "./graph.js";
export { loadProject } from "./load.js";
export { renderRelation } from "./relation.js";
export { WORKTREE } from "./revision-reader.js";
export { selectModels, SelectionError } from "./select.js";
export type * from "./types.js";
