import type { Logger } from "../log/logger.js";
import type { RisingWaveSession } from "../risingwave/session.js";
import { quoteQualified, type QualifiedName } from "../sql/quote.js";
import { dropMaterializedView } from "../plan/ddl.js";
import type { Reader } from "../plan/types.js";

export interface KeptTemp {
  relation: QualifiedName;
  readers: Reader[];
  /** Why it is still there when no reader is the reason, e.g. the DROP failed. */
  error?: string;
}

export interface DropResult {
  dropped: QualifiedName[];
  kept: KeptTemp[];
}

const key = (name: QualifiedName) => `${name.schema}\u0000${name.identifier}`;

/**
 * Drops the given temporary MVs that nothing reads, never with CASCADE. Pass after pass on a fresh
 * catalog until a pass drops nothing, so a chain of temporary MVs drains in one call. A DROP that
 * fails (a reader created meanwhile, say) is reported and the others go on.
 */
export async function dropUnreadTemps(
  session: RisingWaveSession,
  candidates: QualifiedName[],
  logger: Logger,
  announce: (relation: QualifiedName) => string,
): Promise<DropResult> {
  const dropped: QualifiedName[] = [];
  const failed = new Map<string, string>();
  let pending = [...candidates];
  for (;;) {
    const catalog = await session.catalog();
    let progress = false;
    const stillPending: QualifiedName[] = [];
    for (const relation of pending) {
      const found = catalog.find(relation.schema, relation.identifier);
      if (!found) continue;
      if (catalog.dependentsOf(found.id).length > 0) {
        stillPending.push(relation);
        continue;
      }
      logger.info(announce(relation));
      try {
        await session.execute(dropMaterializedView(relation));
        dropped.push(relation);
        progress = true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failed.set(key(relation), message);
        logger.warning(
          `Could not drop ${quoteQualified(relation)}: ${message}. Manual cleanup required: ` +
            `${dropMaterializedView(relation)};`,
        );
      }
    }
    pending = stillPending;
    if (!progress || pending.length === 0) break;
  }

  const remaining = candidates.filter(
    (relation) => !dropped.some((done) => key(done) === key(relation)),
  );
  const kept = (await describeTemps(session, remaining)).map((temp) => ({
    ...temp,
    error: failed.get(key(temp.relation)),
  }));
  return { dropped, kept };
}

/** The temporary MVs that still exist among `relations`, each with what reads it; one catalog read. */
export async function describeTemps(
  session: RisingWaveSession,
  relations: QualifiedName[],
): Promise<KeptTemp[]> {
  if (relations.length === 0) return [];
  const catalog = await session.catalog();
  return relations.flatMap((relation) => {
    const found = catalog.find(relation.schema, relation.identifier);
    if (!found) return [];
    const readers = catalog
      .dependentsOf(found.id)
      .map((reader) => ({ schema: reader.schema, name: reader.name, type: reader.type }));
    return [{ relation, readers }];
  });
}
