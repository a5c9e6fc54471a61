import type { BackfillEdge, IndexConfig } from "../project/types.js";
import { quoteIdent, quoteLiteral, quoteQualified, type QualifiedName } from "../sql/quote.js";

/**
 * SQL text for every statement a plan issues. Identifiers are always quoted and literals always
 * escaped here; DDL never carries bind parameters (RisingWave's extended protocol does not take
 * them in DDL).
 */
export function createMaterializedView(
  relation: QualifiedName,
  selectSql: string,
  backfillOrder?: BackfillEdge[],
): string {
  return `CREATE MATERIALIZED VIEW ${quoteQualified(relation)}${backfillOrderOption(backfillOrder)} AS ${selectSql}`;
}

/** `WITH (backfill_order = FIXED(a -> b, ...))` (parse_sql_option, src/sqlparser/src/parser.rs @v2.5.0). */
function backfillOrderOption(edges: BackfillEdge[] | undefined): string {
  if (!edges || edges.length === 0) return "";
  const name = (parts: string[]) => parts.map(quoteIdent).join(".");
  const fixed = edges.map((edge) => `${name(edge.from)} -> ${name(edge.to)}`).join(", ");
  return ` WITH (backfill_order = FIXED(${fixed}))`;
}

/**
 * `value` is SQL text that settingValueSql (risingwave/session-settings.ts) produced from a
 * checked config value; `name` is one of SESSION_SETTINGS, never text from the project.
 */
export function setSessionParameter(name: string, value: string): string {
  return `SET ${name} = ${value}`;
}

/** RisingWave has no RESET before 3.x; `SET x = DEFAULT` (SetVariableValue::Default) is in v2.2.0. */
export function resetSessionParameter(name: string): string {
  return `SET ${name} = DEFAULT`;
}

/** dbt creates a model's schema on first use; so do we, for a new model in a new schema. */
export function createSchema(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

export function explainCreateMaterializedView(relation: QualifiedName, selectSql: string): string {
  return `EXPLAIN ${createMaterializedView(relation, selectSql)}`;
}

export function setBackgroundDdl(enabled: boolean): string {
  return `SET BACKGROUND_DDL = ${enabled ? "true" : "false"}`;
}

export function swapMaterializedViews(target: QualifiedName, temp: QualifiedName): string {
  return `ALTER MATERIALIZED VIEW ${quoteQualified(target)} SWAP WITH ${quoteQualified(temp)}`;
}

/** Never CASCADE: a dependent we did not plan for must stop the drop, not vanish with it. */
export function dropMaterializedView(relation: QualifiedName): string {
  return `DROP MATERIALIZED VIEW IF EXISTS ${quoteQualified(relation)}`;
}

export function createIndex(
  indexName: string,
  on: QualifiedName,
  index: Pick<IndexConfig, "columns" | "include" | "distributedBy">,
): string {
  return `CREATE INDEX ${quoteIdent(indexName)} ON ${quoteQualified(on)} ${indexShape(index)}`;
}

/** `(columns) [INCLUDE (...)] [DISTRIBUTED BY (...)]` (parse_create_index, src/sqlparser/src/parser.rs @v2.2.0). */
export function indexShape(
  index: Pick<IndexConfig, "columns" | "include" | "distributedBy">,
): string {
  const list = (names: string[]) => names.map(quoteIdent).join(", ");
  const include = index.include?.length ? ` INCLUDE (${list(index.include)})` : "";
  const distributed = index.distributedBy?.length
    ? ` DISTRIBUTED BY (${list(index.distributedBy)})`
    : "";
  return `(${list(index.columns)})${include}${distributed}`;
}

export function dropIndex(schema: string, name: string): string {
  return `DROP INDEX ${quoteQualified({ schema, identifier: name })}`;
}

export function renameIndex(schema: string, from: string, to: string): string {
  return `ALTER INDEX ${quoteQualified({ schema, identifier: from })} RENAME TO ${quoteIdent(to)}`;
}

const PRIVILEGE = /^[A-Za-z]+( [A-Za-z]+)*$/;

/**
 * `objectKind` TABLE reaches views on every supported version: GRANT … ON TABLE falls back to a
 * view of that name (handle_privilege.rs @v2.2.0 and @main); `ON VIEW` arrived in v2.3.0.
 */
export function grant(
  privilege: string,
  on: QualifiedName,
  grantee: string,
  withGrantOption = false,
  objectKind: "MATERIALIZED VIEW" | "TABLE" = "MATERIALIZED VIEW",
): string {
  if (!PRIVILEGE.test(privilege.trim())) {
    throw new Error(`"${privilege}" is not a privilege name (grants: {select: [role, ...]}).`);
  }
  const option = withGrantOption ? " WITH GRANT OPTION" : "";
  return `GRANT ${privilege.trim().toUpperCase()} ON ${objectKind} ${quoteQualified(on)} TO ${quoteIdent(grantee)}${option}`;
}

export function revoke(privilege: string, on: QualifiedName, grantee: string): string {
  if (!PRIVILEGE.test(privilege.trim())) {
    throw new Error(`"${privilege}" is not a privilege name (grants: {select: [role, ...]}).`);
  }
  return `REVOKE ${privilege.trim().toUpperCase()} ON MATERIALIZED VIEW ${quoteQualified(on)} FROM ${quoteIdent(grantee)}`;
}

/** ALTER MATERIALIZED VIEW … OWNER TO (handler/alter_owner.rs, v2.2+). */
export function setOwner(on: QualifiedName, owner: string): string {
  return `ALTER MATERIALIZED VIEW ${quoteQualified(on)} OWNER TO ${quoteIdent(owner)}`;
}

/**
 * An index rebuilt from the definition RisingWave keeps for it: only the name and the relation
 * change; `rest` (columns, INCLUDE, DISTRIBUTED BY) is kept as RisingWave wrote it.
 */
export function createIndexAs(indexName: string, on: QualifiedName, rest: string): string {
  return `CREATE INDEX ${quoteIdent(indexName)} ON ${quoteQualified(on)} ${rest}`;
}

/** RisingWave comments on an MV only through COMMENT ON TABLE. */
export function commentOnRelation(on: QualifiedName, text: string): string {
  return `COMMENT ON TABLE ${quoteQualified(on)} IS ${quoteLiteral(text)}`;
}

export function commentOnColumn(on: QualifiedName, column: string, text: string): string {
  return `COMMENT ON COLUMN ${quoteQualified(on)}.${quoteIdent(column)} IS ${quoteLiteral(text)}`;
}
