import type { Reader } from "../plan/types.js";
import { parseTempName } from "../plan/temp-name.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { unquotableName, type QualifiedName } from "../sql/quote.js";

export interface TempMv {
  relation: QualifiedName;
  id: number;
  /** Its job is still running (rw_ddl_progress, or status 'Creating' on 2.8+): never dropped. */
  creating: boolean;
  /** The MV it was made for (the name before the temporary-name marker). */
  replaced: string;
  createdAt: Date;
  ageMs: number;
  readers: Reader[];
}

/**
 * Every temporary MV in the user schemas (or in `schema`): only materialized views whose whole
 * name has the temporary-name form, so a table or a name that merely contains `_tmp_` is never
 * taken for one. The catalog snapshot holds no system schemas.
 */
export function findTempMvs(catalog: CatalogSnapshot, now: Date, schema?: string): TempMv[] {
  return catalog
    .relationsIn(schema === undefined ? undefined : new Set([schema]))
    .flatMap((relation) => {
      if (relation.type !== "materialized view") return [];
      const parts = parseTempName(relation.name);
      // A name we cannot quote for every server is not one we made, and a DROP of it could name another.
      if (!parts || unquotableName(relation.name) || unquotableName(relation.schema)) return [];
      return [
        {
          relation: { schema: relation.schema, identifier: relation.name },
          id: relation.id,
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
