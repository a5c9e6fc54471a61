import type { CatalogSnapshot } from "../risingwave/catalog.js";

/** The temporary names that indexes we name after a temporary MV point back to. */
const TEMP_IN_INDEX_NAME =
  /^__dbt_(?:index|carried_index|retired_index)_(.+_dbt_zero_down_tmp_\d{8}T\d{6}_\d{6}Z)_/;

/**
 * Whether a temporary name is free in a schema: no relation or index has it (they share one
 * namespace, rw-sql-audit.md 2.8), and no index of ours already carries it in its name, so the
 * staged and retired index names made from it are free too. Built once per plan.
 */
export function takenNames(catalog: CatalogSnapshot): (schema: string, name: string) => boolean {
  const names = new Set<string>();
  const key = (schema: string, name: string) => `${schema}\u0000${name}`;
  for (const relation of catalog.relationsIn()) names.add(key(relation.schema, relation.name));
  for (const index of catalog.rows.indexes) {
    names.add(key(index.schema, index.name));
    const temp = TEMP_IN_INDEX_NAME.exec(index.name)?.[1];
    if (temp) names.add(key(index.schema, temp));
  }
  return (schema, name) => names.has(key(schema, name));
}
