import { quoteIdent, quoteQualified, type QualifiedName } from "../sql/quote.js";
import { grant } from "./ddl.js";

/**
 * SQL text for the statements a plan issues for a dbt view model. Views are not materialized:
 * creating one binds its query and returns, so a view has no backfill and no indexes.
 */
export function createView(relation: QualifiedName, selectSql: string): string {
  return `CREATE VIEW ${quoteQualified(relation)} AS ${selectSql}`;
}

/** ALTER VIEW … SWAP WITH (handler/alter_swap_rename.rs, v2.1.0+). */
export function swapViews(target: QualifiedName, temp: QualifiedName): string {
  return `ALTER VIEW ${quoteQualified(target)} SWAP WITH ${quoteQualified(temp)}`;
}

/** Never CASCADE, as for MVs. */
export function dropView(relation: QualifiedName): string {
  return `DROP VIEW IF EXISTS ${quoteQualified(relation)}`;
}

export function grantOnView(
  privilege: string,
  on: QualifiedName,
  grantee: string,
  withGrantOption = false,
): string {
  return grant(privilege, on, grantee, withGrantOption, "TABLE");
}

/** ALTER VIEW … OWNER TO (AlterViewOperation::ChangeOwner, src/sqlparser/src/ast/ddl.rs @v2.2.0). */
export function setViewOwner(on: QualifiedName, owner: string): string {
  return `ALTER VIEW ${quoteQualified(on)} OWNER TO ${quoteIdent(owner)}`;
}
