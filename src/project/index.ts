export { ProjectError } from "./errors.js";
export { downstreamClosure } from "./resolve/graph.js";
export { loadProject } from "./load.js";
export { renderRelation } from "./context/relation.js";
export { refLine } from "./files/text-position.js";
export { WORKTREE } from "./files/revision-reader.js";
export { selectModels, SelectionError } from "./select.js";
export type { DatabaseView } from "./context/adapter.js";
export type * from "./types.js";
