// Translations of RisingWave DDL whose PostgreSQL spelling differs: SWAP WITH,
// the DROP ... CASCADE guard of new clusters, COMMENT ON TABLE for MVs and the
// object kinds of GRANT/REVOKE.
import { randomBytes } from "node:crypto";
import { doBlock, dollarQuote, literal, raiseError } from "./plpgsql.js";
import { isKeyword, nameText, readQualifiedName, type Token } from "./sql-lexer.js";

const SWAP_KINDS: Record<string, string> = {
  "materialized view": "MATERIALIZED VIEW",
  table: "TABLE",
  view: "VIEW",
  // Sinks are emulated as views (see translate-sinks.ts).
  sink: "VIEW",
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
  return doBlock(
    `${sameSchemaCheck} ` +
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
    `SELECT CASE relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END ` +
      `INTO kind FROM pg_catalog.pg_class WHERE oid = rel; ` +
      `EXECUTE pg_catalog.format('COMMENT ON %s %s IS %s', kind, rel, ${dollarQuote(value)});`,
    `rel pg_catalog.regclass := ${literal(nameText(name))}; kind text;`,
  );
}

/**
 * RisingWave grants name the object kind (`ON MATERIALIZED VIEW mv`, `ON SINK s`,
 * `ON ALL MATERIALIZED VIEWS IN SCHEMA x`); PostgreSQL's `ON TABLE` covers every
 * relation kind, MVs and views (and so the stand-in's sinks) included.
 */
export function translateGrantObjects(tokens: Token[], sql: string): string | null {
  if (!isKeyword(tokens[0], "grant") && !isKeyword(tokens[0], "revoke")) return null;
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
  const start = (tokens[first] as Token).start;
  const end = (tokens[first + words - 1] as Token).end;
  return `${sql.slice(0, start)}${all ? "TABLES" : "TABLE"}${sql.slice(end)}`;
}
