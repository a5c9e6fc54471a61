import { z } from "zod";
import { normaliseConfigKey } from "./config-tree.js";
import { ProjectError } from "../errors.js";
import type { NodeProperties } from "../files/properties.js";
import type { BackfillEdge, IndexConfig, ModelConfig } from "../types.js";
import { isRecord } from "../files/yaml.js";
import {
  expectedValue,
  SESSION_SETTINGS,
  settingValueSql,
} from "../../risingwave/session-settings.js";
import { parseBackfillEdge } from "./backfill-order.js";
import { NOT_APPLIED_KEYS, unknownConfigKeys } from "./config-keys.js";

/** One source of config values and where it was written, for error messages. */
export interface ConfigLayer {
  file: string;
  line?: number;
  values: Record<string, unknown>;
}

export interface MergedConfig {
  values: Record<string, unknown>;
  /** The layer that last set each key. */
  origin: Record<string, { file: string; line?: number }>;
}

/** The `config:` of a model's (or seed's) properties entry, as a layer. */
export function propertiesLayer(props: NodeProperties | undefined): ConfigLayer[] {
  return props && Object.keys(props.config).length > 0
    ? [{ file: props.file, line: props.line, values: props.config }]
    : [];
}

const APPENDED = new Set(["pre_hook", "post_hook", "tags"]);
const UPDATED = new Set(["meta", "persist_docs", "docs"]);

/**
 * Merges layers with dbt's precedence (project tree < properties YAML < `config()` call) and its
 * merge rules: hooks and tags accumulate, `meta`/`persist_docs` merge key by key, `grants` replace
 * per privilege unless the privilege is written `+select` (append), everything else is replaced.
 */
export function mergeConfig(layers: ConfigLayer[]): MergedConfig {
  const values: Record<string, unknown> = {};
  const origin: MergedConfig["origin"] = {};
  for (const layer of layers) {
    for (const [rawKey, value] of Object.entries(layer.values)) {
      const key = normaliseConfigKey(rawKey);
      origin[key] = { file: layer.file, line: layer.line };
      const earlier = values[key];
      if (APPENDED.has(key)) {
        values[key] = [...asList(earlier), ...asList(value)];
      } else if (UPDATED.has(key) && isRecord(earlier) && isRecord(value)) {
        values[key] = { ...earlier, ...value };
      } else if (key === "grants" && isRecord(earlier) && isRecord(value)) {
        values[key] = mergeGrants(earlier, value);
      } else {
        values[key] = value;
      }
    }
  }
  return { values, origin };
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function mergeGrants(
  earlier: Record<string, unknown>,
  later: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...earlier };
  for (const [privilege, grantees] of Object.entries(later)) {
    if (privilege.startsWith("+")) {
      const name = privilege.slice(1);
      merged[name] = [...asList(merged[name]), ...asList(grantees)];
    } else {
      merged[privilege] = grantees;
    }
  }
  return merged;
}

const hookItem = z.union([z.string(), z.looseObject({ sql: z.string() })]);

/** Each deploy-relevant key with its schema and the form to suggest when it is wrong. */
const VALIDATORS = {
  materialized: [z.string(), "a materialization name such as 'materialized_view'"],
  enabled: [z.boolean(), "true or false"],
  schema: [z.string().nullable(), "a schema name"],
  alias: [z.string().nullable(), "a relation name"],
  zero_downtime: [
    z.union([
      z.boolean(),
      z.null(),
      z.strictObject({
        enabled: z.boolean().nullish(),
        immediate_cleanup: z.boolean().nullish(),
      }),
    ]),
    "true/false or {'enabled': true, 'immediate_cleanup': false}",
  ],
  indexes: [
    z.array(
      z.looseObject({
        columns: z.array(z.string()).min(1),
        unique: z.boolean().optional(),
        type: z.string().optional(),
        name: z.string().optional(),
        include: z.array(z.string()).optional(),
        distributed_by: z.array(z.string()).min(1).optional(),
      }),
    ),
    "a list like [{'columns': ['id'], 'include': ['name'], 'distributed_by': ['id']}]",
  ],
  grants: [
    z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    "a mapping like {'select': ['reporter']}",
  ],
  pre_hook: [z.array(hookItem), "SQL text or a list of SQL texts"],
  post_hook: [z.array(hookItem), "SQL text or a list of SQL texts"],
  sql_header: [z.string().nullable(), "SQL text"],
  persist_docs: [
    z.looseObject({ relation: z.boolean().optional(), columns: z.boolean().optional() }),
    "{'relation': true, 'columns': true}",
  ],
  full_refresh: [z.boolean().nullable(), "true or false"],
  background_ddl: [z.boolean().nullable(), "true or false"],
  on_configuration_change: [
    z.enum(["apply", "continue", "fail"]).nullable(),
    "'apply', 'continue' or 'fail' (dbt's OnConfigurationChangeOption)",
  ],
  backfill_order: [
    z.array(z.string()).min(1).nullable(),
    "a non-empty list of edges like ['analytics.history -> analytics.events']",
  ],
} as const;

type Validated = { [K in keyof typeof VALIDATORS]?: z.infer<(typeof VALIDATORS)[K][0]> };

const VALIDATOR_ENTRIES = Object.entries(VALIDATORS);

/** Validates the merged values; a wrong type is reported at the file that set it. */
export function validateConfig(merged: MergedConfig, fallbackFile: string): ModelConfig {
  const checked: Record<string, unknown> = {};
  const errors: ProjectError[] = [];
  for (const [key, [schema, expected]] of VALIDATOR_ENTRIES) {
    const value = merged.values[key];
    if (value === undefined) continue;
    const result = (schema as z.ZodType).safeParse(value);
    if (result.success) {
      checked[key] = result.data;
      continue;
    }
    const issue = mostSpecific(result.error.issues);
    const at = issue && issue.path.length > 0 ? ` at ${key}.${issue.path.join(".")}` : "";
    errors.push(
      new ProjectError(
        `config ${key} has an invalid value ${JSON.stringify(value)}${at}: ${issue?.message}.`,
        merged.origin[key] ?? { file: fallbackFile },
        `Expected ${expected}.`,
      ),
    );
  }
  const sessionSettings = checkSessionSettings(merged, fallbackFile, errors);
  const backfillOrder = checkBackfillOrder(merged, checked.backfill_order, fallbackFile, errors);
  if (errors.length > 0) {
    const [first, ...rest] = errors;
    if (first) throw new ProjectError(first.problem, first, first.fix, rest);
  }
  return {
    ...toModelConfig(checked as Validated),
    sessionSettings,
    ...(backfillOrder ? { backfillOrder } : {}),
    unknownKeys: unknownConfigKeys(merged.values),
    notApplied: Object.keys(merged.values).filter((key) => NOT_APPLIED_KEYS.has(key)),
  };
}

/** Each setting's value must be a plain value of its kind: it becomes part of a SET statement. */
function checkSessionSettings(
  merged: MergedConfig,
  fallbackFile: string,
  errors: ProjectError[],
): ModelConfig["sessionSettings"] {
  const settings: ModelConfig["sessionSettings"] = [];
  for (const setting of SESSION_SETTINGS) {
    const value = merged.values[setting.name];
    if (value === undefined || value === null) continue;
    const sql = settingValueSql(setting, value);
    if (sql === undefined) {
      errors.push(
        new ProjectError(
          `config ${setting.name} has an invalid value ${JSON.stringify(value)}.`,
          merged.origin[setting.name] ?? { file: fallbackFile },
          `Expected ${expectedValue(setting.kind)}.`,
        ),
      );
      continue;
    }
    settings.push({ name: setting.name, value: sql });
  }
  return settings;
}

/** `entries` passed the shape check (a list of strings): each must be one edge. */
function checkBackfillOrder(
  merged: MergedConfig,
  entries: unknown,
  fallbackFile: string,
  errors: ProjectError[],
): BackfillEdge[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const edges: BackfillEdge[] = [];
  for (const [at, entry] of entries.entries()) {
    const edge = typeof entry === "string" ? parseBackfillEdge(entry) : undefined;
    if (edge) {
      edges.push(edge);
      continue;
    }
    errors.push(
      new ProjectError(
        `config backfill_order entry ${at + 1} (${JSON.stringify(entry)}) is not an edge between two relation names.`,
        merged.origin.backfill_order ?? { file: fallbackFile },
        "Write each entry as 'schema.upstream -> schema.downstream' (names may be double-quoted).",
      ),
    );
  }
  return edges;
}

/**
 * For a union (a boolean or a dict), the issue from the branch that got furthest: a dict with a
 * wrong value should be reported at that value, not as "expected boolean".
 */
function mostSpecific(issues: z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  let best: z.core.$ZodIssue | undefined;
  for (const issue of issues) {
    const candidate =
      issue.code === "invalid_union"
        ? mostSpecific(
            issue.errors.flatMap((branch) =>
              branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
            ),
          )
        : issue;
    if (candidate && (!best || candidate.path.length >= best.path.length)) best = candidate;
  }
  return best;
}

function toModelConfig(c: Validated): ModelConfig {
  const zd = c.zero_downtime;
  return {
    materialized: c.materialized ?? "view",
    enabled: c.enabled ?? true,
    schema: c.schema ?? undefined,
    alias: c.alias ?? undefined,
    zeroDowntime:
      typeof zd === "boolean"
        ? { enabled: zd }
        : { enabled: zd?.enabled ?? false, immediateCleanup: zd?.immediate_cleanup ?? undefined },
    indexes: (c.indexes ?? []).map((index): IndexConfig => ({
      columns: index.columns,
      ...(index.unique === undefined ? {} : { unique: index.unique }),
      ...(index.type === undefined ? {} : { type: index.type }),
      ...(index.name === undefined ? {} : { name: index.name }),
      ...(index.include && index.include.length > 0 ? { include: index.include } : {}),
      ...(index.distributed_by ? { distributedBy: index.distributed_by } : {}),
    })),
    grants: Object.fromEntries(
      Object.entries(c.grants ?? {}).map(([privilege, grantees]) => [
        privilege.replace(/^\+/, ""),
        typeof grantees === "string" ? [grantees] : grantees,
      ]),
    ),
    preHook: (c.pre_hook ?? []).map(hookSql),
    postHook: (c.post_hook ?? []).map(hookSql),
    sqlHeader: c.sql_header ?? undefined,
    persistDocs: {
      relation: c.persist_docs?.relation ?? false,
      columns: c.persist_docs?.columns ?? false,
    },
    ...(typeof c.full_refresh === "boolean" ? { fullRefresh: c.full_refresh } : {}),
    ...(typeof c.background_ddl === "boolean" ? { backgroundDdl: c.background_ddl } : {}),
    ...(c.on_configuration_change === "continue" || c.on_configuration_change === "fail"
      ? { onConfigurationChange: c.on_configuration_change }
      : {}),
    sessionSettings: [],
    unknownKeys: [],
    notApplied: [],
  };
}

function hookSql(hook: string | { sql: string }): string {
  return typeof hook === "string" ? hook : hook.sql;
}
