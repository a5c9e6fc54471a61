import { isDeepStrictEqual } from "node:util";
import { renderRelation } from "../project/index.js";
import type { ModelNode } from "../project/types.js";
import { normaliseSql } from "./sql-normalise.js";

/** Differences that reach only an MV's indexes, grants and comments: applied in place. */
const METADATA_REASONS = new Set([
  "config indexes changed",
  "config grants changed",
  "config persist_docs changed",
  "description changed",
  "column descriptions changed",
]);

export function isMetadataOnly(reasons: string[]): boolean {
  return reasons.length > 0 && reasons.every((reason) => METADATA_REASONS.has(reason));
}

/**
 * Why a model's deployment differs between two revisions: its SQL (ignoring comments and layout),
 * its relation, or a config that produces DDL. Empty when nothing that reaches the database changed.
 */
export function modelDifferences(before: ModelNode, after: ModelNode): string[] {
  const reasons: string[] = [];
  const a = before.config;
  const b = after.config;
  if (a.materialized !== b.materialized) {
    reasons.push(`config materialized changed (${a.materialized} → ${b.materialized})`);
  }
  if (!isDeepStrictEqual(before.relation, after.relation)) {
    reasons.push(
      `relation changed (${renderRelation(before.relation)} → ${renderRelation(after.relation)})`,
    );
  }
  if (normaliseSql(before.sql) !== normaliseSql(after.sql)) reasons.push("SQL changed");
  const configs: [string, unknown, unknown][] = [
    ["zero_downtime", zeroDowntime(a.zeroDowntime), zeroDowntime(b.zeroDowntime)],
    ["indexes", a.indexes, b.indexes],
    ["grants", a.grants, b.grants],
    ["pre_hook", before.hookSql.pre.map(normaliseSql), after.hookSql.pre.map(normaliseSql)],
    ["post_hook", before.hookSql.post.map(normaliseSql), after.hookSql.post.map(normaliseSql)],
    ["sql_header", normaliseSql(a.sqlHeader ?? ""), normaliseSql(b.sqlHeader ?? "")],
    ["persist_docs", a.persistDocs, b.persistDocs],
  ];
  for (const [name, x, y] of configs) {
    if (!isDeepStrictEqual(x, y)) reasons.push(`config ${name} changed`);
  }
  // Descriptions only reach the database as comments, which persist_docs turns on.
  const relationDocs = a.persistDocs.relation || b.persistDocs.relation;
  if (relationDocs && (before.description ?? "") !== (after.description ?? "")) {
    reasons.push("description changed");
  }
  const columnDocs = a.persistDocs.columns || b.persistDocs.columns;
  if (columnDocs && !isDeepStrictEqual(columnComments(before), columnComments(after))) {
    reasons.push("column descriptions changed");
  }
  return reasons;
}

/** An unset immediate_cleanup and no zero_downtime at all compare by their effect. */
function zeroDowntime(config: ModelNode["config"]["zeroDowntime"]): unknown {
  return { enabled: config.enabled, immediateCleanup: config.immediateCleanup ?? null };
}

function columnComments(model: ModelNode): Record<string, string> {
  return Object.fromEntries(model.columns.map((column) => [column.name, column.description ?? ""]));
}
