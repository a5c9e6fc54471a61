import type { DatabaseView } from "./context/adapter.js";
import type { ProjectError } from "./errors.js";

/** Unquoted schema and identifier of a relation. */
export interface RelationName {
  schema: string;
  identifier: string;
}

/** `immediateCleanup` undefined = not set by the model (the action input then decides). */
export interface ZeroDowntimeConfig {
  enabled: boolean;
  immediateCleanup?: boolean;
}

export interface IndexConfig {
  columns: string[];
  unique?: boolean;
  type?: string;
  name?: string;
  /** `INCLUDE (...)`: columns the index stores besides its key (dbt-risingwave's `include`). */
  include?: string[];
  /** `DISTRIBUTED BY (...)` (dbt-risingwave's `distributed_by`). */
  distributedBy?: string[];
}

/** One `FIXED` edge of `backfill_order`: `from` is backfilled before `to`; each a dotted name. */
export interface BackfillEdge {
  from: string[];
  to: string[];
}

export interface ModelConfig {
  materialized: string;
  enabled: boolean;
  schema?: string;
  alias?: string;
  zeroDowntime: ZeroDowntimeConfig;
  indexes: IndexConfig[];
  grants: Record<string, string[]>;
  preHook: string[];
  postHook: string[];
  sqlHeader?: string;
  persistDocs: { relation: boolean; columns: boolean };
  /** The model's `full_refresh`: false means a full refresh never drops it. */
  fullRefresh?: boolean;
  /** The model's `background_ddl`; undefined: the `background-ddl` input decides. */
  backgroundDdl?: boolean;
  /**
   * dbt's `on_configuration_change` for index changes of an MV that is not rebuilt: undefined is
   * dbt's default, `apply`.
   */
  onConfigurationChange?: "continue" | "fail";
  /** dbt-risingwave's native session settings the model sets, as SQL values, in SET order. */
  sessionSettings: { name: string; value: string }[];
  backfillOrder?: BackfillEdge[];
  /** Config keys neither dbt nor dbt-risingwave defines for a model: reported, not applied. */
  unknownKeys: string[];
  /** Keys dbt-risingwave reads that this action does not apply to a materialized view. */
  notApplied: string[];
}

export interface ModelNode {
  name: string;
  packageName: string;
  /** Path relative to the git repository root, POSIX separators (used for annotations). */
  file: string;
  /** File content. */
  rawSql: string;
  /**
   * Rendered SQL, trimmed, with one trailing ';' removed. Rendered on first read (then kept), so a
   * change set narrowed by the changed files only renders what it compares; a render error is a
   * ProjectError thrown from this getter.
   */
  readonly sql: string;
  /**
   * The SQL with `ref()` of the named models rendered as the given relations instead of their
   * own (a staged deploy builds a model on the temporary MVs of the models it reads); the same
   * as `sql` when it reads none of them.
   */
  sqlReading(relations: ReadonlyMap<string, RelationName>): string;
  /** Final schema (generate_schema_name applied) and identifier (alias or name). */
  relation: RelationName;
  config: ModelConfig;
  description?: string;
  columns: { name: string; description?: string }[];
  /** Names of models this one refs (deduplicated, in first-use order). */
  refs: string[];
  /** Names of seeds this one refs. */
  seedRefs: string[];
  sources: { source: string; table: string }[];
  /** Rendered hooks; rendered on first read like `sql`. */
  readonly hookSql: { pre: string[]; post: string[] };
  /** For an ephemeral model: its SQL as its dependents inline it, and the CTEs it needs itself. */
  readonly ephemeralSql?: { sql: string; ctes: { name: string; sql: string }[] };
  /** `materialized_view`, or the deprecated `materializedview`. */
  isMaterializedView: boolean;
  /** Non-fatal findings about this model (e.g. a deprecated materialization). */
  warnings: string[];
}

/** A model that cannot be built as the project stands: why, at which file and line. */
export interface ModelFailure {
  name: string;
  file: string;
  error: ProjectError;
  /**
   * Whether it may be a materialized view: its configs outside the file say so, or its file may
   * (it mentions `materialized`). A failing table or view model is not this action's to deploy.
   */
  mayBeMaterializedView?: boolean;
}

export interface SeedNode {
  name: string;
  file: string;
  relation: RelationName;
}

export interface SourceTable {
  source: string;
  table: string;
  relation: RelationName;
  /** The database, when the source names one. */
  database?: string;
  /** The source's `quoting:` (schema and identifier are quoted unless it says otherwise). */
  quote?: { database: boolean; schema: boolean; identifier: boolean };
  /** The properties file that declares it. */
  file: string;
}

export interface DbtProject {
  name: string;
  /** Project directory relative to the repository root ("." for the root). */
  root: string;
  /** "WORKTREE" or a commit sha. */
  revision: string;
  /** Enabled models of every materialization, keyed by name. */
  models: Map<string, ModelNode>;
  /** Models that cannot be loaded (their own problem, or an upstream model's); not in `models`. */
  failures: Map<string, ModelFailure>;
  /** Model names, upstream first. */
  order: string[];
  seeds: Map<string, SeedNode>;
  sources: Map<string, SourceTable>;
  /** Repo-relative folders holding models and macros, for deciding what a changed file can affect. */
  modelPaths: string[];
  macroPaths: string[];
  seedPaths?: string[];
  /** Repo-relative path of dbt_project.yml. */
  projectFile: string;
  warnings: string[];
}

export interface LoadOptions {
  repoRoot: string;
  /** Relative to repoRoot; "." allowed. */
  projectDir: string;
  /** undefined = the working tree. */
  revision?: string;
  targetSchema: string;
  /** `target.name` in templates; dbt has no default, ours is "default". */
  targetName?: string;
  /** The action's `vars` input; overrides the project's vars. */
  vars: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** The live catalog, when connected: what `adapter.get_relation` and friends answer from. */
  database?: DatabaseView;
  /** From the connection settings, for `target` and relations' `.database`. */
  connection?: { database?: string; user?: string; host?: string; port?: number };
  /** Shared by both revisions' loads of one run: `run_started_at`, `invocation_id`. */
  run?: { startedAt: Date; invocationId: string };
  /** The `full-refresh` input, as `flags.FULL_REFRESH`. */
  fullRefresh?: boolean;
}
