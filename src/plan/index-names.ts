import type { IndexConfig } from "../project/types.js";

/** dbt-risingwave's index names, kept for interoperability with runs of the dbt adapter itself. */
export function canonicalIndexName(relationName: string, index: IndexConfig): string {
  return index.name ?? `__dbt_index_${relationName}_${index.columns.join("_")}`;
}

export function canonicalIndexPrefix(relationName: string): string {
  return `__dbt_index_${relationName}_`;
}

/** The name an index is built under on the temporary MV, before it goes live. */
export function stagedIndexName(tempName: string, index: IndexConfig): string {
  return `__dbt_index_${tempName}_${index.columns.join("_")}`;
}

/** The name the previous version's index is moved to, freeing the canonical name. */
export function retiredIndexName(tempName: string, ordinal: number): string {
  return `__dbt_retired_index_${tempName}_${ordinal}`;
}

/** The name an index is rebuilt under beside the live one whose shape changed, before it takes its name. */
export function replacementIndexName(relationName: string, ordinal: number): string {
  return `${replacementIndexPrefix(relationName)}${ordinal}`;
}

function replacementIndexPrefix(relationName: string): string {
  return `__dbt_replacing_index_${relationName}_`;
}

/**
 * dbt's own indexes of this model: those its config names (now, or at the base revision), any
 * with dbt-risingwave's canonical prefix (a config index since removed), and a replacement a
 * cut-off run left. The others on the live MV are hand-made.
 */
export function isManagedIndex(
  indexName: string,
  relationName: string,
  configured: IndexConfig[],
): boolean {
  return (
    configured.some((index) => canonicalIndexName(relationName, index) === indexName) ||
    indexName.startsWith(canonicalIndexPrefix(relationName)) ||
    indexName.startsWith(replacementIndexPrefix(relationName))
  );
}
