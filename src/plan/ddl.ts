import type { IndexConfig } from "../project/types.js";
import { quoteIdent, quoteLiteral, quoteQualified, type QualifiedName } from "../sql/quote.js";

/**
 * SQL text for every statement a plan issues. Identifiers are always quoted and literals always
 * escaped here; DDL never carries bind parameters (RisingWave's extended protocol does not take
 * them in DDL).
 */
export function createMaterializedView(relation: QualifiedName, selectSql: string): string {
  return `CREATE MATERIALIZED VIEW ${quoteQualified(relation)} AS ${selectSql}`;
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
  index: Pick<IndexConfig, "columns">,
): string {
  const columns = index.columns.map(quoteIdent).join(", ");
  return `CREATE INDEX ${quoteIdent(indexName)} ON ${quoteQualified(on)} (${columns})`;
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
