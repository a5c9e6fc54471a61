import { SESSION_SETTING_NAMES } from "../../risingwave/session-settings.js";

/**
 * Model config keys of dbt itself (dbt-core's NodeConfig and its resource configs, in their
 * underscore spelling) and of dbt seeds and snapshots that a project tree may set for every
 * node: none of these is warned about.
 */
const DBT_KEYS = [
  "enabled",
  "alias",
  "schema",
  "database",
  "tags",
  "meta",
  "docs",
  "group",
  "access",
  "materialized",
  "incremental_strategy",
  "batch_size",
  "lookback",
  "begin",
  "event_time",
  "concurrent_batches",
  "persist_docs",
  "pre_hook",
  "post_hook",
  "quoting",
  "column_types",
  "full_refresh",
  "unique_key",
  "on_schema_change",
  "on_configuration_change",
  "grants",
  "packages",
  "contract",
  "sql_header",
  "freshness",
  "delimiter",
  "quote_columns",
  "strategy",
  "updated_at",
  "check_cols",
  "snapshot_meta_column_names",
  "hard_deletes",
  "target_schema",
  "target_database",
];

/** dbt-risingwave keys this action applies to a materialized view model. */
const APPLIED_ADAPTER_KEYS = ["zero_downtime", "indexes", "background_ddl", "backfill_order"];

/**
 * dbt-risingwave keys of its other materializations (sinks, sources, subscriptions, tables with
 * connectors, functions): dbt-risingwave ignores them on a materialized view, and so do we.
 */
const OTHER_MATERIALIZATION_KEYS = [
  "connector",
  "connector_parameters",
  "data_format",
  "data_encode",
  "format_parameters",
  "retention",
  "retention_seconds",
  "subscription_options",
  "additive_schema_evolution",
  "table_with_connector_add_columns",
  "language",
  "remote_name",
  "runtime_version",
  "entry_point",
];

/** dbt-risingwave applies these to a materialized view; this action does not. */
export const NOT_APPLIED_KEYS = new Set(["schema_authorization"]);

const KNOWN = new Set([
  ...DBT_KEYS,
  ...APPLIED_ADAPTER_KEYS,
  ...OTHER_MATERIALIZATION_KEYS,
  ...SESSION_SETTING_NAMES,
  ...NOT_APPLIED_KEYS,
]);

/** Keys of a merged model config that no one defines (typos, another adapter's keys). */
export function unknownConfigKeys(values: Record<string, unknown>): string[] {
  return Object.keys(values).filter((key) => !KNOWN.has(key));
}
