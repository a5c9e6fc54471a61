// RisingWave session commands: its own session parameters, WAIT and FLUSH.
import { doBlock, literal, raiseError } from "./plpgsql.js";
import { isKeyword, isSymbol, nameText, readQualifiedName, type Token } from "./sql-lexer.js";

/**
 * RisingWave-only session parameters, kept as PostgreSQL custom GUCs named
 * rw_standin.<name> (database defaults are set when the database is created, see
 * standin.ts), so they are per session and follow SET LOCAL / RESET like the real ones.
 */
export const SESSION_PARAMETER_DEFAULTS: Record<string, string> = {
  background_ddl: "false",
  allow_drop_cascade: "false",
};

const TRUE_WORDS = new Set(["true", "on", "t", "yes", "1"]);
const FALSE_WORDS = new Set(["false", "off", "f", "no", "0"]);

function parameterAt(tokens: Token[], at: number): string | null {
  const token = tokens[at];
  if (!token || (token.kind !== "word" && token.kind !== "quoted")) return null;
  const name = token.kind === "quoted" ? token.text.slice(1, -1) : token.text;
  const lower = name.toLowerCase();
  return lower in SESSION_PARAMETER_DEFAULTS ? lower : null;
}

/** `SET [SESSION|LOCAL] background_ddl {=|TO} value`, `RESET x`, `SHOW x`. */
export function translateSessionParameter(tokens: Token[]): string | null {
  if (isKeyword(tokens[0], "show") && tokens.length === 2) {
    const name = parameterAt(tokens, 1);
    if (!name) return null;
    return `SELECT pg_catalog.current_setting(${literal(`rw_standin.${name}`)}) AS ${name}`;
  }
  if (isKeyword(tokens[0], "reset") && tokens.length === 2) {
    const name = parameterAt(tokens, 1);
    return name ? `RESET rw_standin.${name}` : null;
  }
  if (!isKeyword(tokens[0], "set")) return null;
  const scoped = isKeyword(tokens[1], "session") || isKeyword(tokens[1], "local");
  const at = scoped ? 2 : 1;
  const name = parameterAt(tokens, at);
  const assign = tokens[at + 1];
  if (!name || !(isSymbol(assign, "=") || isKeyword(assign, "to")) || tokens.length !== at + 3) {
    return null;
  }
  const valueToken = tokens[at + 2] as Token;
  const value = valueToken.text.replace(/^'(.*)'$/s, "$1").toLowerCase();
  const scope = scoped ? `${(tokens[1] as Token).text.toUpperCase()} ` : "";
  if (value === "default") return `SET ${scope}rw_standin.${name} TO DEFAULT`;
  if (TRUE_WORDS.has(value)) return `SET ${scope}rw_standin.${name} = 'true'`;
  if (FALSE_WORDS.has(value)) return `SET ${scope}rw_standin.${name} = 'false'`;
  return doBlock(
    raiseError(`Invalid value \`${valueToken.text}\` for \`${name}\``, { code: "22023" }),
  );
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
