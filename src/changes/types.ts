import type { ProjectError } from "../project/index.js";
import type { DeployedType } from "../plan/types.js";
import type { RelationName } from "../project/types.js";

export interface ModelChange {
  model: string;
  kind: "added" | "modified";
  /** e.g. "SQL changed", "config zero_downtime changed", "config indexes changed". */
  reasons: string[];
  /** Only indexes, grants or comments differ: nothing needs rebuilding. */
  metadataOnly?: boolean;
  /** The rendered SQL at the base revision (under the old name for a rename): what the report diffs against. */
  baseSql?: string;
}

export interface ChangeSet {
  /** MV and view models to (re)build, upstream first. */
  changed: ModelChange[];
  /** MV and view models that no longer exist at head. Reported only: nothing is dropped. */
  deleted: { model: string; file: string; relation: RelationName; type: DeployedType }[];
  /**
   * Models the change touches that cannot be built at head (they cannot be loaded or rendered):
   * each fails its own deploy; models downstream of one wait for it.
   */
  failed: { model: string; file: string; error: ProjectError }[];
  /** Deleted models whose SQL reappears under a new name (not listed in `deleted`). */
  renamed: { from: string; to: string; fromFile: string; toFile: string; fromType: DeployedType }[];
  /**
   * Other findings: a model whose relation moved, one that is no longer a materialized view, the
   * deprecated `materializedview`. Deletions and renames are reported in their own lists only.
   */
  warnings: string[];
}
