import { isRecord } from "../files/yaml.js";

/**
 * Config names dbt accepts without the `+` prefix in dbt_project.yml. Any other unprefixed key
 * names a folder or a model.
 */
const KNOWN_CONFIGS = new Set([
  "materialized",
  "enabled",
  "schema",
  "alias",
  "database",
  "tags",
  "meta",
  "docs",
  "indexes",
  "grants",
  "pre_hook",
  "post_hook",
  "sql_header",
  "persist_docs",
  "zero_downtime",
  "full_refresh",
  "on_schema_change",
  "unique_key",
  "contract",
  "access",
  "group",
  "quote_columns",
  "column_types",
  "delimiter",
]);

/** dbt spells hooks both ways in YAML. */
export function normaliseConfigKey(key: string): string {
  return key.replaceAll("-", "_");
}

/**
 * The config layers that apply to a node from a dbt_project.yml tree, shallowest first:
 * `segments` are the folders below the model path, then the node name.
 */
export function projectConfigLayers(
  tree: Record<string, unknown>,
  segments: string[],
): Record<string, unknown>[] {
  const layers: Record<string, unknown>[] = [];
  let level: Record<string, unknown> = tree;
  for (let depth = 0; ; depth++) {
    const configs = configsAt(level);
    if (Object.keys(configs).length > 0) layers.push(configs);
    const segment = segments[depth];
    if (segment === undefined) break;
    const next = level[segment];
    if (!isRecord(next)) break;
    level = next;
  }
  return layers;
}

/** Each folder level's configs, read once however many models sit below it. */
const configsOfLevel = new WeakMap<Record<string, unknown>, Record<string, unknown>>();

function configsAt(level: Record<string, unknown>): Record<string, unknown> {
  const known = configsOfLevel.get(level);
  if (known) return known;
  const configs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith("+")) {
      configs[normaliseConfigKey(key.slice(1))] = value;
    } else if (KNOWN_CONFIGS.has(normaliseConfigKey(key))) {
      configs[normaliseConfigKey(key)] = value;
    }
  }
  configsOfLevel.set(level, configs);
  return configs;
}
