export { computeChangeSet } from "./change-set.js";
export { BaseRevisionError, listChangedFiles, resolveBaseRevision } from "./git.js";
export { normaliseSql } from "./sql-normalise.js";
export type * from "./types.js";
