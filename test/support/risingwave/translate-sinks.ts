// Sinks, subscriptions and EXPLAIN CREATE. A sink (or subscription) is emulated as a
// catalog-only object: a plain view over what it reads, registered in rw_standin.sinks (or
// rw_standin.subscriptions). That is enough for dependency tracking (rw_depend, DROP without
// CASCADE refusing, SWAP moving neither) and for the catalog views; nothing is ever delivered
// anywhere and no subscription cursor can be declared.
import { doBlock, dollarQuote, literal, raiseError } from "./plpgsql.js";
import {
  identifierValue,
  isKeyword,
  isSymbol,
  nameText,
  readQualifiedName,
  type QualifiedName,
  type Token,
} from "./sql-lexer.js";

interface SinkDefinition {
  ifNotExists: boolean;
  name: QualifiedName;
  /** The query the sink reads, as PostgreSQL text. */
  query: string;
  connector: string | null;
  /** rw_sinks.sink_type, SinkType's proto name. */
  sinkType: string;
}

function skipIfNotExists(tokens: Token[], at: number): number {
  const present =
    isKeyword(tokens[at], "if") &&
    isKeyword(tokens[at + 1], "not") &&
    isKeyword(tokens[at + 2], "exists");
  return present ? at + 3 : at;
}

function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isSymbol(tokens[i], "(")) depth++;
    else if (isSymbol(tokens[i], ")") && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Index of the sink's top-level `WITH (` options or `FORMAT` clause, or tokens.length. */
function optionsStart(tokens: Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    if (isSymbol(tokens[i], "(")) i = matchingParen(tokens, i);
    else if (isKeyword(tokens[i], "with") && isSymbol(tokens[i + 1], "(")) return i;
    else if (isKeyword(tokens[i], "format")) return i;
  }
  return tokens.length;
}

function stringOption(tokens: Token[], from: number, name: string): string | null {
  for (let i = from; i + 2 < tokens.length; i++) {
    const value = tokens[i + 2] as Token;
    if (isKeyword(tokens[i], name) && isSymbol(tokens[i + 1], "=") && value.kind === "string") {
      return value.text.slice(1, -1).replace(/''/g, "'");
    }
  }
  return null;
}

/**
 * The sink's type as RisingWave settles it (SinkFormatDesc and the `type` / `force_append_only`
 * options, src/frontend/src/handler/create_sink.rs @v2.2.0): `type = 'upsert'` or FORMAT
 * UPSERT / DEBEZIUM is an upsert sink; `type = 'append-only'` or FORMAT PLAIN append-only,
 * forced with force_append_only = 'true'. Without either RisingWave derives it from the plan's
 * append-only-ness, which the stand-in cannot see: it says upsert.
 */
function sinkTypeOf(tokens: Token[], from: number): string {
  const type = stringOption(tokens, from, "type")?.toLowerCase();
  const formatAt = tokens.findIndex((t, i) => i >= from && isKeyword(t, "format"));
  const format = formatAt === -1 ? undefined : tokens[formatAt + 1]?.text.toLowerCase();
  const forced = stringOption(tokens, from, "force_append_only")?.toLowerCase() === "true";
  if (type === "append-only" || format === "plain") {
    return forced ? "SINK_TYPE_FORCE_APPEND_ONLY" : "SINK_TYPE_APPEND_ONLY";
  }
  return "SINK_TYPE_UPSERT";
}

/** `CREATE SINK [IF NOT EXISTS] name [INTO t] {FROM relation | AS query} [WITH (...)] [FORMAT ...]` */
function parseCreateSink(tokens: Token[], sql: string, at: number): SinkDefinition | null {
  if (!isKeyword(tokens[at], "create") || !isKeyword(tokens[at + 1], "sink")) return null;
  const nameAt = skipIfNotExists(tokens, at + 2);
  const name = readQualifiedName(tokens, nameAt);
  if (!name) return null;
  let i = name.next;
  if (isKeyword(tokens[i], "into")) {
    const target = readQualifiedName(tokens, i + 1);
    if (!target) return null;
    i = isSymbol(tokens[target.next], "(") ? matchingParen(tokens, target.next) + 1 : target.next;
  }
  const options = optionsStart(tokens, i + 1);
  let query: string;
  if (isKeyword(tokens[i], "from")) {
    const relation = readQualifiedName(tokens, i + 1);
    if (!relation) return null;
    query = `SELECT * FROM ${nameText(relation)}`;
  } else if (isKeyword(tokens[i], "as") && options > i + 1) {
    const first = tokens[i + 1] as Token;
    const last = tokens[options - 1] as Token;
    query = sql.slice(first.start, last.end);
  } else return null;
  return {
    ifNotExists: nameAt !== at + 2,
    name,
    query,
    connector: stringOption(tokens, options, "connector"),
    sinkType: sinkTypeOf(tokens, options),
  };
}

export function translateCreateSink(tokens: Token[], sql: string): string | null {
  const sink = parseCreateSink(tokens, sql, 0);
  if (!sink) return null;
  const name = literal(nameText(sink.name));
  const skipExisting = sink.ifNotExists
    ? `IF pg_catalog.to_regclass(${name}) IS NOT NULL THEN ` +
      `RAISE NOTICE 'relation % already exists, skipping', ${name}; RETURN; END IF; `
    : "";
  return doBlock(
    skipExisting +
      `EXECUTE ${literal(`CREATE VIEW ${nameText(sink.name)} AS ${sink.query}`)}; ` +
      `INSERT INTO rw_standin.sinks (view_oid, connector, sink_type, definition) VALUES ` +
      `(${name}::pg_catalog.regclass, ${sink.connector === null ? "NULL" : literal(sink.connector)}, ` +
      `${literal(sink.sinkType)}, ${literal(sql.trim())});`,
  );
}

/**
 * `CREATE SUBSCRIPTION name FROM relation WITH (retention = '…')`: the subscription depends on
 * the relation it is FROM and needs a retention (create_subscription.rs and
 * SubscriptionCatalog::set_retention_seconds, subscription_catalog.rs @v2.2.0).
 */
export function translateCreateSubscription(tokens: Token[], sql: string): string | null {
  if (!isKeyword(tokens[0], "create") || !isKeyword(tokens[1], "subscription")) return null;
  const nameAt = skipIfNotExists(tokens, 2);
  const name = readQualifiedName(tokens, nameAt);
  if (!name || !isKeyword(tokens[name.next], "from")) return null;
  const relation = readQualifiedName(tokens, name.next + 1);
  if (!relation) return null;
  if (stringOption(tokens, relation.next, "retention") === null) {
    return doBlock(raiseError("Subscription retention time not set.", { code: "XX000" }));
  }
  const written = literal(nameText(name));
  return doBlock(
    `EXECUTE ${literal(`CREATE VIEW ${nameText(name)} AS SELECT * FROM ${nameText(relation)}`)}; ` +
      `INSERT INTO rw_standin.subscriptions (view_oid, definition) VALUES ` +
      `(${written}::pg_catalog.regclass, ${literal(sql.trim())});`,
  );
}

/** `DROP SINK|SUBSCRIPTION [IF EXISTS] name [CASCADE|RESTRICT]`: only a registered one of that kind. */
export function translateDropSink(tokens: Token[]): string | null {
  if (!isKeyword(tokens[0], "drop")) return null;
  const kind = isKeyword(tokens[1], "sink")
    ? "sink"
    : isKeyword(tokens[1], "subscription")
      ? "subscription"
      : undefined;
  if (!kind) return null;
  const registry = kind === "sink" ? "rw_standin.sinks" : "rw_standin.subscriptions";
  const ifExists = isKeyword(tokens[2], "if") && isKeyword(tokens[3], "exists");
  const name = readQualifiedName(tokens, ifExists ? 4 : 2);
  if (!name) return null;
  const rest = tokens.slice(name.next);
  if (
    rest.length > 1 ||
    (rest[0] && !isKeyword(rest[0], "cascade") && !isKeyword(rest[0], "restrict"))
  ) {
    return null;
  }
  const written = nameText(name);
  const missing = ifExists
    ? `RAISE NOTICE '${kind} "%" does not exist, skipping', ${literal(written)}; RETURN;`
    : raiseError(
        `${kind} not found: ${identifierValue(name.parts[name.parts.length - 1] as Token)}`,
        { code: "42P01" },
      );
  return doBlock(
    `IF sink IS NULL OR NOT EXISTS (SELECT 1 FROM ${registry} WHERE view_oid = sink) THEN ` +
      `${missing} END IF; ` +
      `EXECUTE pg_catalog.format('DROP VIEW %s', sink); ` +
      `DELETE FROM ${registry} WHERE view_oid = sink;`,
    `sink pg_catalog.regclass := pg_catalog.to_regclass(${literal(written)});`,
  );
}

/** `CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [(columns)] AS query` → its schema and query. */
function materializedViewQuery(
  tokens: Token[],
  sql: string,
  at: number,
): { schema: string | null; query: string } | null {
  if (!isKeyword(tokens[at], "create") || !isKeyword(tokens[at + 1], "materialized")) return null;
  if (!isKeyword(tokens[at + 2], "view")) return null;
  const name = readQualifiedName(tokens, skipIfNotExists(tokens, at + 3));
  if (!name) return null;
  const asAt = isSymbol(tokens[name.next], "(") ? matchingParen(tokens, name.next) + 1 : name.next;
  const first = tokens[asAt + 1];
  if (!isKeyword(tokens[asAt], "as") || !first) return null;
  const schema = name.parts.length > 1 ? (name.parts[name.parts.length - 2] as Token) : null;
  return { schema: schema ? identifierValue(schema) : null, query: sql.slice(first.start) };
}

/** `CREATE INDEX [IF NOT EXISTS] name ON relation (col [ASC|DESC], ...) ...` → a query over those columns. */
function indexQuery(tokens: Token[], sql: string, at: number): string | null {
  if (!isKeyword(tokens[at], "create") || !isKeyword(tokens[at + 1], "index")) return null;
  const name = readQualifiedName(tokens, skipIfNotExists(tokens, at + 2));
  if (!name || !isKeyword(tokens[name.next], "on")) return null;
  const relation = readQualifiedName(tokens, name.next + 1);
  if (!relation || !isSymbol(tokens[relation.next], "(")) return null;
  const close = matchingParen(tokens, relation.next);
  const columns: string[] = [];
  let current: Token[] = [];
  const flush = () => {
    const end = current.findIndex((t) => ["asc", "desc", "nulls"].includes(t.text.toLowerCase()));
    const kept = end === -1 ? current : current.slice(0, end);
    const [first, last] = [kept[0], kept[kept.length - 1]];
    if (first && last) columns.push(sql.slice(first.start, last.end));
    current = [];
  };
  for (let i = relation.next + 1; i < close; i++) {
    const token = tokens[i] as Token;
    if (isSymbol(token, ",")) flush();
    else current.push(token);
  }
  flush();
  return `SELECT ${columns.join(", ")} FROM ${nameText(relation)}`;
}

const EXPLAIN_WORDS = new Set(["verbose", "analyze", "logical", "physical", "distsql", "trace"]);

/**
 * `EXPLAIN CREATE ...` plans without creating anything and, on RisingWave, skips
 * the duplicate-name check: plan only the query the object would be built from.
 * For an MV the schema is looked up and the plan starts with RisingWave's
 * StreamMaterialize line (rw_standin.explain_create_mv in catalog.sql).
 * RisingWave-specific EXPLAIN options are dropped; errors in the query still surface.
 */
export function translateExplainCreate(tokens: Token[], sql: string): string | null {
  if (!isKeyword(tokens[0], "explain")) return null;
  let at = 1;
  if (isSymbol(tokens[at], "(")) at = matchingParen(tokens, at) + 1;
  while (EXPLAIN_WORDS.has(tokens[at]?.text.toLowerCase() ?? "")) at++;
  if (!isKeyword(tokens[at], "create")) return null;
  const mv = materializedViewQuery(tokens, sql, at);
  if (mv) {
    const schema = mv.schema === null ? "NULL" : literal(mv.schema);
    return `SELECT * FROM rw_standin.explain_create_mv(${schema}, ${dollarQuote(mv.query)})`;
  }
  const query = parseCreateSink(tokens, sql, at)?.query ?? indexQuery(tokens, sql, at);
  return query === null ? null : `EXPLAIN ${query}`;
}
