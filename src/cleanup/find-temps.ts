import type { DeployedType, Reader } from "../plan/types.js";
import { parseTempName } from "../plan/temp-name.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { unquotableName, type QualifiedName } from "../sql/quote.js";

export interface TempMv {
  relation: QualifiedName;
  id: number;
  /** A temporary view is a dbt view model's previous version (or one not yet swapped in). */
  type: DeployedType;
  /** Its job is still running (rw_ddl_progress, or status 'Creating' on 2.8+): never dropped. */
  creating: boolean;
  /** The MV it was made for (the name before the temporary-name marker). */
  replaced: string;
  createdAt: Date;
  ageMs: number;
  readers: Reader[];
}

/**
 * Every temporary MV and view in the user schemas (or in `schema`): only materialized views and
 * views whose whole name has the temporary-name form, so a table or a name that merely contains
 * `_tmp_` is never taken for one. The catalog snapshot holds no system schemas.
 */
export function findTempMvs(catalog: CatalogSnapshot, now: Date, schema?: string): TempMv[] {
  return catalog
    .relationsIn(schema === undefined ? undefined : new Set([schema]))
    .flatMap((relation) => {
      const type: DeployedType | undefined =
        relation.type === "view"
          ? "view"
          : relation.type === "materialized view"
            ? "materialized view"
            : undefined;
      if (type === undefined) return [];
      const parts = parseTempName(relation.name);
      // A name we cannot quote for every server is not one we made, and a DROP of it could name another.
      if (!parts || unquotableName(relation.name) || unquotableName(relation.schema)) return [];
      return [
        {
          relation: { schema: relation.schema, identifier: relation.name },
          id: relation.id,
          type,
          creating: catalog.isCreating(relation.id),
          replaced: parts.baseName,
          createdAt: parts.createdAt,
          ageMs: now.getTime() - parts.createdAt.getTime(),
          readers: catalog
            .dependentsOf(relation.id)
            .map((reader) => ({ schema: reader.schema, name: reader.name, type: reader.type })),
        },
      ];
    })
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
