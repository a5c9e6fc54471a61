import type { QualifiedName } from "../sql/quote.js";

/** What a plan entry deploys: a dbt model materialized as a materialized view, or as a view. */
export type DeployedType = "materialized view" | "view";

/**
 * `in-place`: the MV stays; its indexes, grants and comments are made what its config declares
 * (created, dropped, renamed, granted, revoked, commented), with no rebuild.
 */
export type PlanAction = "create" | "zero-downtime" | "full-refresh" | "in-place" | "skip";

/**
 * One step of a model's deployment. Steps run in order, one SQL statement each; `wait-backfill`
 * polls instead of issuing SQL, and `drop-for-refresh` / `cleanup` are collected and run by the
 * executor at their own moment (drops leaf-first before any create, cleanup after every model).
 */
export type PlanStep =
  | { kind: "create-schema"; sql: string }
  | { kind: "pre-hook"; sql: string }
  | { kind: "sql-header"; sql: string }
  | { kind: "background-ddl"; sql: string; enabled: boolean }
  /** A model's RisingWave session setting, SET before its CREATE and reset after its indexes. */
  | { kind: "set-session"; sql: string; name: string }
  | { kind: "reset-session"; sql: string; name: string }
  | { kind: "create"; sql: string; relation: QualifiedName }
  | { kind: "wait-backfill"; relation: QualifiedName }
  | { kind: "create-index"; sql: string }
  | { kind: "grant"; sql: string }
  | { kind: "revoke"; sql: string }
  /** Only of an index dbt manages (a canonical name, or one the config declared). */
  | { kind: "drop-index"; sql: string; index: QualifiedName }
  | { kind: "comment"; sql: string }
  | { kind: "set-owner"; sql: string }
  | { kind: "swap"; sql: string; target: QualifiedName; temp: QualifiedName }
  | { kind: "rename-index"; sql: string }
  | { kind: "post-hook"; sql: string }
  | { kind: "drop-for-refresh"; sql: string; relation: QualifiedName }
  | { kind: "cleanup"; sql: string; relation: QualifiedName };

/** An object outside this plan that reads an MV being replaced. */
export interface Reader {
  schema: string;
  name: string;
  type: string;
}

/**
 * How to move a sink or subscription that reads a swapped MV onto the new version (issue 12 item
 * 8). `<…>` in a statement stands for what must be copied from the object's own definition (its
 * connector options): never copied here, as they may hold credentials.
 */
export interface ReaderMove {
  reader: Reader;
  /** In order; the last drops the temporary MV, which stays until the move is done. */
  statements: string[];
  /** What the statements do to duplicates and gaps, and what they need: one point each. */
  effect: string[];
  /** Another way, where this server has one (REPLACE SINK). */
  alternative?: { statements: string[]; effect: string };
  /** The previous version the object reads until it is moved. */
  keeps: QualifiedName;
}

/** Something the live MV had that dbt's config does not declare, applied to its new version. */
export interface CarriedItem {
  kind: "grant" | "owner" | "comment" | "index";
  /** e.g. `SELECT to bi_reader`, `alice`, `column total`, `ct_total_idx (total)`. */
  detail: string;
}

/** A DROP this run may issue: only of this name while it still has this id. */
export interface PermittedDrop {
  relation: QualifiedName;
  /** The id the name must still have; undefined: the id this run gets when it creates the object. */
  id?: number;
  when: string;
}

export interface PlannedModel {
  model: string;
  file: string;
  target: QualifiedName;
  /**
   * Absent: a materialized view. A view is rebuilt beside the live one too (`CREATE VIEW` under
   * the temporary name, `ALTER VIEW … SWAP WITH`), so it never keeps reading a previous version.
   */
  relationType?: DeployedType;
  action: PlanAction;
  reason: string;
  /**
   * Rebuilt models this one was added for (`rebuild-downstream`); empty when it was asked for
   * itself (changed, new or selected).
   */
  downstreamOf: string[];
  /** The name the new version is built under (zero-downtime), which the old version carries afterwards. */
  temp?: QualifiedName;
  immediateCleanup: boolean;
  /** Models earlier in this plan that this one reads: its new SQL sees their new versions only at deploy time. */
  readsPlanned: string[];
  /** The model's rendered SELECT, as it will be created (on the temporary MVs it reads, if any). */
  sql: string;
  /**
   * The same SELECT on the live names of what it reads, when `sql` reads temporary MVs that do
   * not exist before the deploy: what EXPLAIN can check ahead of it.
   */
  checkSql?: string;
  steps: PlanStep[];
  /** Objects not rebuilt by this plan that keep reading the previous version through the temp name. */
  readers: Reader[];
  /** For each sink and subscription among the readers: the statements that move it. */
  readerMoves?: ReaderMove[];
  warnings: string[];
  /** The id of the live MV this plan replaces or changes; a different id at deploy time stops it. */
  targetId?: number;
  /** What the new version takes over from the live MV beyond the config. */
  carriedOver: CarriedItem[];
  /** Found before any DDL; any problem stops the deploy before it starts. */
  problems: string[];
  /** What could not be checked before the deploy, and why. */
  unchecked: string[];
  /** The only DROPs this model's deployment may issue. */
  mayDrop: PermittedDrop[];
}

/** A requested model that cannot be built: it fails its own deploy, and blocks its dependents. */
export interface PlanFailure {
  model: string;
  file: string;
  line?: number;
  message: string;
}

export interface Plan {
  mode: "deploy";
  dryRun: boolean;
  models: PlannedModel[];
  /** Models that were asked for but cannot be built; nothing is run for them. */
  failed: PlanFailure[];
}

export interface PlanIssue {
  message: string;
  file?: string;
  line?: number;
}

/** Everything that stops a plan before any DDL, collected so one run reports every problem. */
export class PlanError extends Error {
  constructor(readonly issues: PlanIssue[]) {
    super(
      issues
        .map((issue) =>
          issue.file
            ? `${issue.file}${issue.line ? `:${issue.line}` : ""}: ${issue.message}`
            : issue.message,
        )
        .join("\n"),
    );
    this.name = "PlanError";
  }
}
