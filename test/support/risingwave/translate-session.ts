// RisingWave session commands: its own session parameters, WAIT and FLUSH.
import { doBlock, literal, raiseError } from "./plpgsql.js";
import { isKeyword, isSymbol, nameText, readQualifiedName, type Token } from "./sql-lexer.js";

type ParameterKind = "boolean" | "parallelism" | "count" | "rate-limit" | "cache-refill-policy";

interface Parameter {
  default: string;
  kind: ParameterKind;
  /** The version the parameter arrived in (src/common/src/session_config/mod.rs at each tag). */
  since: [number, number];
}

/**
 * RisingWave-only session parameters, kept as PostgreSQL custom GUCs named
 * rw_standin.<name> (database defaults are set when the database is created, see
 * standin.ts), so they are per session and follow SET LOCAL / RESET like the real ones.
 * Values are checked as the parameter's type parses them: bool, ConfigParallelism and
 * ConfigBackfillParallelism (session_config/parallelism.rs: a count, or default / adaptive /
 * auto), usize, i32, OptionConfig<CacheRefillPolicy> (src/common/src/config/streaming/
 * cache_refill.rs, main). streaming_cache_refill_policy is not in v3.0.3 and is on main (3.2.0-alpha).
 */
const PARAMETERS: Record<string, Parameter> = {
  background_ddl: { default: "false", kind: "boolean", since: [2, 2] },
  allow_drop_cascade: { default: "false", kind: "boolean", since: [2, 2] },
  streaming_parallelism: { default: "default", kind: "parallelism", since: [2, 2] },
  streaming_parallelism_for_backfill: { default: "default", kind: "parallelism", since: [2, 8] },
  streaming_max_parallelism: { default: "256", kind: "count", since: [2, 2] },
  streaming_cache_refill_policy: { default: "", kind: "cache-refill-policy", since: [3, 1] },
  enable_serverless_backfill: { default: "false", kind: "boolean", since: [2, 8] },
  backfill_rate_limit: { default: "-1", kind: "rate-limit", since: [2, 2] },
  source_rate_limit: { default: "-1", kind: "rate-limit", since: [2, 2] },
  sink_rate_limit: { default: "-1", kind: "rate-limit", since: [2, 3] },
  streaming_parallelism_for_materialized_view: {
    default: "default",
    kind: "parallelism",
    since: [2, 4],
  },
  streaming_parallelism_for_source: { default: "default", kind: "parallelism", since: [2, 4] },
  streaming_parallelism_for_table: { default: "default", kind: "parallelism", since: [2, 4] },
  streaming_parallelism_for_sink: { default: "default", kind: "parallelism", since: [2, 4] },
  streaming_parallelism_for_index: { default: "default", kind: "parallelism", since: [2, 4] },
  enable_index_selection: { default: "true", kind: "boolean", since: [2, 7] },
};

export const SESSION_PARAMETER_DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries(PARAMETERS).map(([name, parameter]) => [name, parameter.default]),
);

const TRUE_WORDS = new Set(["true", "on", "t", "yes", "1"]);
const FALSE_WORDS = new Set(["false", "off", "f", "no", "0"]);
const PARALLELISM_WORDS = new Set(["default", "adaptive", "auto"]);
const CACHE_REFILL_POLICIES = new Set(["enabled", "disabled", "streaming", "serving", "both"]);

function parameterAt(tokens: Token[], at: number): string | null {
  const token = tokens[at];
  if (!token || (token.kind !== "word" && token.kind !== "quoted")) return null;
  const name = token.kind === "quoted" ? token.text.slice(1, -1) : token.text;
  const lower = name.toLowerCase();
  return lower in PARAMETERS ? lower : null;
}

/** The stored value, or null when the parameter's type does not parse it. */
function parsedValue(kind: ParameterKind, value: string): string | null {
  const integer = /^-?\d+$/.test(value) ? Number(value) : undefined;
  switch (kind) {
    case "boolean":
      return TRUE_WORDS.has(value) ? "true" : FALSE_WORDS.has(value) ? "false" : null;
    case "parallelism":
      return PARALLELISM_WORDS.has(value) || (integer !== undefined && integer >= 0) ? value : null;
    case "count":
      return integer !== undefined && integer > 0 ? value : null;
    case "rate-limit":
      return integer !== undefined && integer >= -2_147_483_648 && integer <= 2_147_483_647
        ? value
        : null;
    case "cache-refill-policy":
      return CACHE_REFILL_POLICIES.has(value) ? value : null;
  }
}

/**
 * `statement`, refused as RisingWave refuses a parameter it does not have yet
 * (SessionConfigError::UnrecognizedEntry) when the parameter is newer than the reported version.
 */
function knownOnly(name: string, statement: string): string {
  const [major, minor] = (PARAMETERS[name] as Parameter).since;
  if (major === 2 && minor <= 2) return statement;
  return doBlock(
    `IF NOT rw_standin.version_at_least(${major}, ${minor}) THEN ` +
      raiseError(`Unrecognized config entry \`${name}\``, { code: "42704" }) +
      ` END IF; EXECUTE ${literal(statement)};`,
  );
}

/** `SET [SESSION|LOCAL] name {=|TO} value | DEFAULT`, `RESET name`, `SHOW name`. */
export function translateSessionParameter(tokens: Token[]): string | null {
  if (isKeyword(tokens[0], "show") && tokens.length === 2) {
    const name = parameterAt(tokens, 1);
    if (!name) return null;
    return `SELECT pg_catalog.current_setting(${literal(`rw_standin.${name}`)}) AS ${name}`;
  }
  if (isKeyword(tokens[0], "reset") && tokens.length === 2) {
    const name = parameterAt(tokens, 1);
    return name ? knownOnly(name, `RESET rw_standin.${name}`) : null;
  }
  if (!isKeyword(tokens[0], "set")) return null;
  const scoped = isKeyword(tokens[1], "session") || isKeyword(tokens[1], "local");
  const at = scoped ? 2 : 1;
  const name = parameterAt(tokens, at);
  const assign = tokens[at + 1];
  const negative = isSymbol(tokens[at + 2], "-");
  if (
    !name ||
    !(isSymbol(assign, "=") || isKeyword(assign, "to")) ||
    tokens.length !== at + (negative ? 4 : 3)
  ) {
    return null;
  }
  const valueToken = tokens[tokens.length - 1] as Token;
  const value = `${negative ? "-" : ""}${valueToken.text.replace(/^'(.*)'$/s, "$1").toLowerCase()}`;
  const local = isKeyword(tokens[1], "local");
  const parameter = PARAMETERS[name] as Parameter;
  const stored = value === "default" ? parameter.default : parsedValue(parameter.kind, value);
  if (stored === null) {
    const invalid = doBlock(
      raiseError(`Invalid value \`${valueToken.text}\` for \`${name}\``, { code: "22023" }),
    );
    return knownOnly(name, invalid);
  }
  return knownOnly(name, `SET ${local ? "LOCAL " : ""}rw_standin.${name} = ${literal(stored)}`);
}

/**
 * `WAIT` waits for background DDL to finish; every CREATE of the stand-in completes before it
 * returns, so only simulated jobs (rw_standin.ddl_progress) are waited for. `WAIT {TABLE |
 * MATERIALIZED VIEW | SINK | INDEX} x` arrived in v3.0.0 (parse_wait, src/sqlparser/src/parser.rs
 * @v3.0.0); it finds creating objects too (get_any_table_by_name, handler/wait.rs).
 */
export function translateWait(tokens: Token[]): string | null {
  if (!isKeyword(tokens[0], "wait")) return null;
  const creating = "EXISTS (SELECT 1 FROM rw_standin.ddl_progress)";
  if (tokens.length === 1)
    return doBlock(`WHILE ${creating} LOOP PERFORM pg_catalog.pg_sleep(0.02); END LOOP;`);
  const kindWords = isKeyword(tokens[1], "materialized") ? 2 : 1;
  const name = readQualifiedName(tokens, 1 + kindWords);
  if (!name || name.next !== tokens.length) return null;
  const relation = `${literal(nameText(name))}::pg_catalog.regclass`;
  return doBlock(
    `IF NOT rw_standin.version_at_least(3, 0) THEN ` +
      raiseError(
        `sql parser error: expected end of statement, found: ${(tokens[1] as Token).text}`,
        {
          code: "42601",
        },
      ) +
      ` END IF; ` +
      `WHILE rw_standin.is_creating(${relation}) LOOP PERFORM pg_catalog.pg_sleep(0.02); END LOOP;`,
  );
}

/**
 * RisingWave MVs follow their inputs continuously; PostgreSQL MVs are snapshots.
 * `FLUSH` is where a RisingWave test waits for writes to reach MVs, so the stand-in
 * refreshes every user MV there, upstream first (rw_depend gives the order).
 */
export function translateFlush(tokens: Token[]): string | null {
  if (!isKeyword(tokens[0], "flush") || tokens.length !== 1) return null;
  const order = `
    WITH RECURSIVE depth(id, level) AS (
      SELECT id, 0 FROM rw_catalog.rw_materialized_views
      UNION ALL
      SELECT d.objid, depth.level + 1 FROM rw_catalog.rw_depend d JOIN depth ON d.refobjid = depth.id
    )
    SELECT m.id FROM rw_catalog.rw_materialized_views m JOIN depth USING (id)
    GROUP BY m.id ORDER BY max(depth.level), m.id`;
  return doBlock(
    `FOR mv IN ${order} LOOP ` +
      `EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s', mv::pg_catalog.oid::pg_catalog.regclass); ` +
      `END LOOP;`,
    "mv integer;",
  );
}

/** `DESCRIBE x`: RisingWave's rows (rw_standin.describe in catalog.sql). */
export function translateDescribe(tokens: Token[]): string | null {
  if (!isKeyword(tokens[0], "describe") && !isKeyword(tokens[0], "desc")) return null;
  const name = readQualifiedName(tokens, 1);
  if (!name || name.next !== tokens.length) return null;
  return `SELECT * FROM rw_standin.describe(${literal(nameText(name))}::pg_catalog.regclass)`;
}
