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
  /** `materialized_view`, or the deprecated `materializedview`. */
  isMaterializedView: boolean;
  /** Non-fatal findings about this model (e.g. a deprecated materialization). */
  warnings: string[];
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
}
