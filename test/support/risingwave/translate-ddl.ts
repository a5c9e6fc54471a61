// Translations of RisingWave DDL whose PostgreSQL spelling or checks differ: SWAP WITH,
// the DROP ... CASCADE guard of new clusters, COMMENT ON TABLE for MVs, the object kinds
// and privilege rules of GRANT/REVOKE, and the refusal of every statement that needs a
// created MV when the MV named is still being created.
import { randomBytes } from "node:crypto";
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

function bareName(name: QualifiedName): string {
  return identifierValue(name.parts[name.parts.length - 1] as Token);
}

/**
 * SWAP, GRANT, COMMENT and CREATE INDEX look their MV up with get_created_table_by_name, which
 * skips MVs whose job is still creating (src/frontend/src/catalog/schema_catalog.rs @v2.2.0), so
 * such an MV is "not found" (SQLSTATE 42704 from v2.5.0, CatalogError::NotFound in
 * src/frontend/src/catalog/mod.rs @v2.6.2).
 */
export function refuseCreating(name: QualifiedName): string {
  return (
    `IF rw_standin.is_creating(${literal(nameText(name))}::pg_catalog.regclass) THEN ` +
    raiseError(`Catalog error: table not found: ${bareName(name)}`, { code: "42704" }) +
    " END IF;"
  );
}

/**
 * A non-superuser may swap only objects it owns, both of them (check_swap_rename_privilege,
 * src/frontend/src/handler/alter_swap_rename.rs @v2.2.0 and @main); the text is RisingWave's
 * ErrorCode::PermissionDenied.
 */
function requireSwapOwner(a: QualifiedName, b: QualifiedName): string {
  const owner = (name: QualifiedName) =>
    `(SELECT relowner FROM pg_catalog.pg_class WHERE oid = ${literal(nameText(name))}::pg_catalog.regclass)`;
  const me = "(SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)";
  return (
    `IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) ` +
    `AND (${owner(a)} <> ${me} OR ${owner(b)} <> ${me}) THEN ` +
    `RAISE EXCEPTION USING ERRCODE = 'XX000', MESSAGE = 'Permission denied: ' || current_user || ` +
    `' is not super user and not the owner of the objects.'; END IF;`
  );
}

const SWAP_KINDS: Record<string, string> = {
  "materialized view": "MATERIALIZED VIEW",
  table: "TABLE",
  view: "VIEW",
  // Sinks and subscriptions are emulated as views (see translate-sinks.ts); both SWAP WITH
  // since v2.1.0 (alter_swap_rename.rs).
  sink: "VIEW",
  subscription: "VIEW",
};

/**
 * `ALTER <kind> a SWAP WITH b` → three renames in one DO block. PostgreSQL takes
 * the locks of both relations and commits the renames together, so a concurrent
 * reader either sees the old names or the new ones, never a missing name.
 */
export function translateSwap(tokens: Token[]): string | null {
  if (!isKeyword(tokens[0], "alter")) return null;
  const kindWords = isKeyword(tokens[1], "materialized") ? 2 : 1;
  const kindText = tokens
    .slice(1, 1 + kindWords)
    .map((t) => t.text.toLowerCase())
    .join(" ");
  const kind = SWAP_KINDS[kindText];
  if (!kind) return null;
  const a = readQualifiedName(tokens, 1 + kindWords);
  if (!a || !isKeyword(tokens[a.next], "swap") || !isKeyword(tokens[a.next + 1], "with")) {
    return null;
  }
  const b = readQualifiedName(tokens, a.next + 2);
  if (!b || b.next !== tokens.length) return null;

  const aName = a.parts[a.parts.length - 1] as Token;
  const bName = b.parts[b.parts.length - 1] as Token;
  const scratch = `rw_standin_swap_${randomBytes(6).toString("hex")}`;
  // RENAME TO takes a bare name, so the scratch object stays in a's schema.
  const scratchQualified = [...a.parts.slice(0, -1).map((p) => p.text), scratch].join(".");
  const namespaceOf = (name: string) =>
    `(SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = ${literal(name)}::pg_catalog.regclass)`;
  const sameSchemaCheck =
    `IF ${namespaceOf(nameText(a))} IS DISTINCT FROM ${namespaceOf(nameText(b))} THEN ` +
    raiseError("SWAP WITH needs both objects in the same schema", { code: "0A000" }) +
    " END IF;";
  const createdOnly =
    kind === "MATERIALIZED VIEW" || kind === "TABLE"
      ? `${refuseCreating(a)} ${refuseCreating(b)} `
      : "";
  return doBlock(
    `${createdOnly}${requireSwapOwner(a, b)} ${sameSchemaCheck} ` +
      `ALTER ${kind} ${nameText(a)} RENAME TO ${scratch}; ` +
      `ALTER ${kind} ${nameText(b)} RENAME TO ${aName.text}; ` +
      `ALTER ${kind} ${scratchQualified} RENAME TO ${bName.text};`,
  );
}

const DROP_OBJECT_WORDS = new Set([
  "table",
  "materialized",
  "view",
  "sink",
  "source",
  "schema",
  "index",
  "function",
  "connection",
  "subscription",
  "secret",
  "database",
]);

/**
 * New RisingWave clusters refuse `DROP ... CASCADE` unless the session set
 * `allow_drop_cascade = true` (kept in the session GUC rw_standin.allow_drop_cascade,
 * see translate-session.ts). `inner` is the statement to run when allowed, already
 * translated (DROP SINK becomes a DO block of its own).
 */
export function guardDropCascade(tokens: Token[], inner: string): string | null {
  if (!isKeyword(tokens[0], "drop") || !isKeyword(tokens[tokens.length - 1], "cascade")) {
    return null;
  }
  const objectWords: string[] = [];
  for (const token of tokens.slice(1)) {
    if (token.kind !== "word" || !DROP_OBJECT_WORDS.has(token.text.toLowerCase())) break;
    objectWords.push(token.text.toUpperCase());
  }
  const statementName = ["DROP", ...objectWords].join(" ");
  const rejection = raiseError(`Not supported: ${statementName} CASCADE is disabled.`, {
    code: "0A000",
    hint:
      "SET allow_drop_cascade = true to enable DROP ... CASCADE in the current session, " +
      "or ALTER SYSTEM SET allow_drop_cascade = true to change the default.",
  });
  return doBlock(
    `IF pg_catalog.current_setting('rw_standin.allow_drop_cascade', true) IS DISTINCT FROM 'true' ` +
      `THEN ${rejection} END IF; EXECUTE ${dollarQuote(inner)};`,
  );
}

/**
 * RisingWave comments on MVs with `COMMENT ON TABLE mv`; PostgreSQL insists on
 * `COMMENT ON MATERIALIZED VIEW`, so pick the keyword from the relation's kind.
 */
export function translateCommentOnTable(tokens: Token[], sql: string): string | null {
  if (!isKeyword(tokens[0], "comment") || !isKeyword(tokens[1], "on")) return null;
  if (!isKeyword(tokens[2], "table")) return null;
  const name = readQualifiedName(tokens, 3);
  if (!name || !isKeyword(tokens[name.next], "is")) return null;
  const value = sql.slice((tokens[name.next + 1] as Token | undefined)?.start ?? sql.length);
  return doBlock(
    `${refuseCreating(name)} ` +
      `SELECT CASE relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END ` +
      `INTO kind FROM pg_catalog.pg_class WHERE oid = rel; ` +
      `EXECUTE pg_catalog.format('COMMENT ON %s %s IS %s', kind, rel, ${dollarQuote(value)});`,
    `rel pg_catalog.regclass := ${literal(nameText(name))}; kind text;`,
  );
}

/**
 * RisingWave grants name the object kind (`ON MATERIALIZED VIEW mv`, `ON SINK s`,
 * `ON ALL MATERIALIZED VIEWS IN SCHEMA x`); PostgreSQL's `ON TABLE` covers every
 * relation kind, MVs and views (and so the stand-in's sinks) included. On MVs (and sinks)
 * RisingWave allows only SELECT, ALL meaning SELECT (check_privilege_type and
 * ALL_AVAILABLE_MVIEW_MODES, src/frontend/src/user/user_privilege.rs and
 * src/common/src/acl/mod.rs @v2.2.0 and @main), and the MV must be created.
 */
export function translateGrantObjects(tokens: Token[], sql: string): string | null {
  const grant = isKeyword(tokens[0], "grant");
  if (!grant && !isKeyword(tokens[0], "revoke")) return null;
  const on = tokens.findIndex((t) => isKeyword(t, "on"));
  if (on === -1) return null;
  const all = isKeyword(tokens[on + 1], "all");
  const first = all ? on + 2 : on + 1;
  const words = isKeyword(tokens[first], "materialized") ? 2 : 1;
  const kind = tokens
    .slice(first, first + words)
    .map((t) => t.text.toLowerCase())
    .join(" ");
  const known = all
    ? ["materialized views", "views", "sinks"].includes(kind)
    : ["materialized view", "view", "sink"].includes(kind);
  if (!known) return null;
  const readOnly = kind.startsWith("materialized") || kind.startsWith("sink");
  const privilegesFrom = grant ? 1 : isKeyword(tokens[1], "grant") ? 4 : 1;
  const privileges = tokens.slice(privilegesFrom, on).filter((t) => !isSymbol(t, ","));
  const privilegeWords = privileges.map((t) => t.text.toLowerCase());
  const allPrivileges = privilegeWords[0] === "all";
  if (readOnly && !allPrivileges && privilegeWords.some((word) => word !== "select")) {
    return doBlock(
      raiseError("Bind error: Invalid privilege type for the given object.", { code: "XX000" }),
    );
  }
  const start = (tokens[first] as Token).start;
  const end = (tokens[first + words - 1] as Token).end;
  let statement = `${sql.slice(0, start)}${all ? "TABLES" : "TABLE"}${sql.slice(end)}`;
  if (readOnly && allPrivileges) {
    const from = (tokens[privilegesFrom] as Token).start;
    const to = (tokens[on - 1] as Token).end;
    statement = `${statement.slice(0, from)}SELECT${statement.slice(to)}`;
  }
  const object = all ? null : readQualifiedName(tokens, first + words);
  if (!object || !readOnly) return statement;
  return doBlock(`${refuseCreating(object)} EXECUTE ${dollarQuote(statement)};`);
}

/** The tokens from `at` through the parenthesis that closes the one at `at`; -1 when unclosed. */
function closingParen(tokens: Token[], at: number): number {
  let depth = 0;
  for (let i = at; i < tokens.length; i++) {
    if (isSymbol(tokens[i], "(")) depth++;
    else if (isSymbol(tokens[i], ")") && --depth === 0) return i;
  }
  return -1;
}

/**
 * `CREATE INDEX name ON mv (...) [INCLUDE (...)] [DISTRIBUTED BY (...)]` (parse_create_index,
 * src/sqlparser/src/parser.rs @v2.2.0) needs a created MV (resolve_index_schema,
 * handler/create_index.rs). PostgreSQL has INCLUDE but no DISTRIBUTED BY: that clause is cut
 * out and kept in rw_standin.index_distribution, which rw_indexes.definition shows it from.
 */
export function translateCreateIndex(tokens: Token[], sql: string): string | null {
  if (!isKeyword(tokens[0], "create") || !isKeyword(tokens[1], "index")) return null;
  const onAt = tokens.findIndex((t) => isKeyword(t, "on"));
  const relation = onAt === -1 ? null : readQualifiedName(tokens, onAt + 1);
  if (!relation) return null;
  const distributedAt = tokens.findIndex(
    (t, i) => isKeyword(t, "distributed") && isKeyword(tokens[i + 1], "by"),
  );
  if (distributedAt === -1)
    return doBlock(`${refuseCreating(relation)} EXECUTE ${dollarQuote(sql)};`);
  const close = closingParen(tokens, distributedAt + 2);
  if (close === -1) return null;
  const open = tokens[distributedAt + 2] as Token;
  const columns = sql.slice(open.end, (tokens[close] as Token).start).trim();
  const statement = `${sql.slice(0, (tokens[distributedAt] as Token).start)}${sql.slice((tokens[close] as Token).end)}`;
  const nameAt = isKeyword(tokens[2], "if") ? 5 : 2;
  const index = identifierValue(tokens[nameAt] as Token);
  return doBlock(
    `${refuseCreating(relation)} EXECUTE ${dollarQuote(statement)}; ` +
      `INSERT INTO rw_standin.index_distribution (index_oid, columns) ` +
      `SELECT i.oid, ${literal(columns)} FROM pg_catalog.pg_class i ` +
      `WHERE i.relname = ${literal(index)} AND i.relkind = 'i' AND i.relnamespace = ` +
      `(SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = ${literal(nameText(relation))}::pg_catalog.regclass) ` +
      `ON CONFLICT (index_oid) DO UPDATE SET columns = EXCLUDED.columns;`,
  );
}

/**
 * `CREATE MATERIALIZED VIEW mv WITH (backfill_order = FIXED(a -> b, ...)) AS ...`: the option
 * arrived in v2.5.0 (parse_sql_option, src/sqlparser/src/parser.rs; before it, an unknown WITH
 * option of an MV is refused); each edge names relations that must exist. From v2.7.0 each must
 * also be one the query scans (plan_fixed_strategy, src/frontend/src/optimizer/
 * backfill_order_strategy.rs @v2.7.0), checked here on the created MV's rw_depend edges (a view
 * it reads counts as scanned here, where RisingWave scans the view's own relations). Nothing
 * backfills on the stand-in, so the order has nothing to act on: the option is checked and cut out.
 */
export function translateCreateMaterializedViewOptions(
  tokens: Token[],
  sql: string,
): string | null {
  if (!isKeyword(tokens[0], "create") || !isKeyword(tokens[1], "materialized")) return null;
  const name = readQualifiedName(tokens, 3);
  if (!name || !isKeyword(tokens[name.next], "with") || !isSymbol(tokens[name.next + 1], "(")) {
    return null;
  }
  if (!isKeyword(tokens[name.next + 2], "backfill_order")) return null;
  const close = closingParen(tokens, name.next + 1);
  if (close === -1 || !isKeyword(tokens[close + 1], "as")) return null;
  const edgeNames: string[] = [];
  for (let i = name.next + 2; i < close; i++) {
    const part = readQualifiedName(tokens, i);
    if (!part || isKeyword(part.parts[0], "backfill_order") || isKeyword(part.parts[0], "fixed"))
      continue;
    edgeNames.push(nameText(part));
    i = part.next - 1;
  }
  const exists = edgeNames
    .map(
      (edge) =>
        `IF pg_catalog.to_regclass(${literal(edge)}) IS NULL THEN ` +
        raiseError(`Catalog error: table or source not found: ${edge}`, { code: "42P01" }) +
        " END IF;",
    )
    .join(" ");
  const scanned = edgeNames
    .map(
      (edge) =>
        `IF rw_standin.version_at_least(2, 7) AND NOT EXISTS (SELECT 1 FROM rw_catalog.rw_depend ` +
        `WHERE objid = ${literal(nameText(name))}::regclass::int AND refobjid = pg_catalog.to_regclass(${literal(edge)})::int) THEN ` +
        raiseError(
          `Table or source '${edge}' specified in backfill_order is not used in the query`,
          { code: "XX000" },
        ) +
        " END IF;",
    )
    .join(" ");
  const statement = `${sql.slice(0, (tokens[name.next] as Token).start)}${sql.slice((tokens[close] as Token).end)}`;
  return doBlock(
    `IF NOT rw_standin.version_at_least(2, 5) THEN ` +
      raiseError("Invalid input syntax: unknown option backfill_order", { code: "42601" }) +
      ` END IF; ${exists} EXECUTE ${dollarQuote(statement)}; ${scanned}`,
  );
}

/**
 * `CREATE SCHEMA IF NOT EXISTS s` of an existing schema is a notice before any privilege check
 * in RisingWave (handle_create_schema, src/frontend/src/handler/create_schema.rs @v2.6.2);
 * PostgreSQL checks CREATE on the database first.
 */
export function translateCreateSchema(tokens: Token[], sql: string): string | null {
  if (!isKeyword(tokens[0], "create") || !isKeyword(tokens[1], "schema")) return null;
  if (
    !isKeyword(tokens[2], "if") ||
    !isKeyword(tokens[3], "not") ||
    !isKeyword(tokens[4], "exists")
  ) {
    return null;
  }
  const name = readQualifiedName(tokens, 5);
  if (!name || name.parts.length !== 1) return null;
  const schema = literal(bareName(name));
  return doBlock(
    `IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${schema}) THEN ` +
      `RAISE NOTICE 'schema "%" exists, skipping', ${schema}; RETURN; END IF; ` +
      `EXECUTE ${dollarQuote(sql)};`,
  );
}
