/**
 * The RisingWave session settings dbt-risingwave lets a model set before its DDL
 * (risingwave__native_model_session_settings and background_ddl, macros/adapters.sql), with the
 * values each accepts and the version its parameter arrived in (src/common/src/session_config/
 * mod.rs at each tag from v2.2.0 to v3.0.3; streaming_cache_refill_policy is not in v3.0.3 but on
 * main, 3.2.0-alpha, so 3.1 is assumed). A server without the parameter answers `Unrecognized config entry`, so a model that
 * sets one the server lacks is refused before any DDL.
 */
export type SettingKind =
  /** ConfigParallelism (session_config/parallelism.rs): a count, 0 meaning adaptive, or a keyword. */
  | "parallelism"
  /** usize with check_streaming_max_parallelism: a positive count. */
  | "count"
  /** i32 rows per second; -1 disables the limit, 0 pauses. */
  | "rate-limit"
  | "boolean"
  /** OptionConfig<CacheRefillPolicy>. */
  | "cache-refill-policy";

export interface SessionSetting {
  name: string;
  kind: SettingKind;
  since: { major: number; minor: number };
}

const v = (major: number, minor: number) => ({ major, minor });

/** In the adapter's order, which is the order they are SET in. */
export const SESSION_SETTINGS: readonly SessionSetting[] = [
  { name: "streaming_parallelism", kind: "parallelism", since: v(2, 2) },
  { name: "streaming_parallelism_for_backfill", kind: "parallelism", since: v(2, 8) },
  { name: "streaming_max_parallelism", kind: "count", since: v(2, 2) },
  { name: "streaming_cache_refill_policy", kind: "cache-refill-policy", since: v(3, 1) },
  { name: "enable_serverless_backfill", kind: "boolean", since: v(2, 8) },
  { name: "backfill_rate_limit", kind: "rate-limit", since: v(2, 2) },
  { name: "source_rate_limit", kind: "rate-limit", since: v(2, 2) },
  { name: "sink_rate_limit", kind: "rate-limit", since: v(2, 3) },
  { name: "streaming_parallelism_for_materialized_view", kind: "parallelism", since: v(2, 4) },
  { name: "streaming_parallelism_for_source", kind: "parallelism", since: v(2, 4) },
  { name: "streaming_parallelism_for_table", kind: "parallelism", since: v(2, 4) },
  { name: "streaming_parallelism_for_sink", kind: "parallelism", since: v(2, 4) },
  { name: "streaming_parallelism_for_index", kind: "parallelism", since: v(2, 4) },
  { name: "enable_index_selection", kind: "boolean", since: v(2, 7) },
];

export const SESSION_SETTING_NAMES = new Set(SESSION_SETTINGS.map((setting) => setting.name));

/** `WITH (backfill_order = FIXED(...))` on CREATE MATERIALIZED VIEW (parse_sql_option, src/sqlparser/src/parser.rs @v2.5.0). */
export const BACKFILL_ORDER_SINCE = v(2, 5);

const PARALLELISM_WORDS = new Set(["default", "adaptive", "auto"]);
const CACHE_REFILL_POLICIES = new Set(["enabled", "disabled", "streaming", "serving", "both"]);

/**
 * The value as SQL text, or undefined when it is not a plain value of the setting's kind. Config
 * values come from the pull request: only integers, booleans and a closed set of keywords pass,
 * so nothing of the text reaches the statement unchecked.
 */
export function settingValueSql(setting: SessionSetting, value: unknown): string | undefined {
  const integer = (min: number, max: number) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? String(value)
      : undefined;
  const word = (words: Set<string>) =>
    typeof value === "string" && words.has(value.toLowerCase())
      ? `'${value.toLowerCase()}'`
      : undefined;
  switch (setting.kind) {
    case "parallelism":
      return integer(0, 2 ** 31 - 1) ?? word(PARALLELISM_WORDS);
    case "count":
      return integer(1, 2 ** 31 - 1);
    case "rate-limit":
      return integer(-1, 2 ** 31 - 1) ?? word(new Set(["default"]));
    case "boolean":
      return typeof value === "boolean" ? String(value) : undefined;
    case "cache-refill-policy":
      return word(CACHE_REFILL_POLICIES);
  }
}

export function expectedValue(kind: SettingKind): string {
  switch (kind) {
    case "parallelism":
      return "a whole number (0 = adaptive) or 'default', 'adaptive', 'auto'";
    case "count":
      return "a positive whole number";
    case "rate-limit":
      return "a whole number of rows per second (-1 = no limit, 0 = paused) or 'default'";
    case "boolean":
      return "true or false";
    case "cache-refill-policy":
      return "one of 'enabled', 'disabled', 'streaming', 'serving', 'both'";
  }
}
