import type { Logger } from "../log/logger.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import type { RisingWaveSession, RisingWaveReader } from "../risingwave/session.js";
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

function readersOf(catalog: CatalogSnapshot, id: number, gone: Set<number>): Reader[] {
  return catalog
    .dependentsOf(id)
    .filter((reader) => !gone.has(reader.id))
    .map((reader) => ({ schema: reader.schema, name: reader.name, type: reader.type }));
}

/**
 * Pure: the order in which the candidates can be dropped without CASCADE, pass after pass until a
 * pass frees nothing more, so a chain of temporary MVs drains leaf first. The rest are kept,
 * each with what still reads it.
 */
export function planSweep(catalog: CatalogSnapshot, candidates: QualifiedName[]): DropResult {
  const present = candidates.flatMap((relation) => {
    const found = catalog.find(relation.schema, relation.identifier);
    return found ? [{ relation, id: found.id }] : [];
  });
  const gone = new Set<number>();
  const dropped: QualifiedName[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const candidate of present) {
      if (gone.has(candidate.id) || readersOf(catalog, candidate.id, gone).length > 0) continue;
      gone.add(candidate.id);
      dropped.push(candidate.relation);
      progress = true;
    }
  }
  const kept = present
    .filter((candidate) => !gone.has(candidate.id))
    .map((candidate) => ({
      relation: candidate.relation,
      readers: readersOf(catalog, candidate.id, gone),
    }));
  return { dropped, kept };
}

/**
 * Drops the candidates nothing reads, in planSweep's order, never with CASCADE. A DROP that fails
 * (a reader created meanwhile, say) is reported and the others go on; the database, which
 * refuses to drop anything still read, stays the final judge.
 */
export async function dropUnreadTemps(
  session: RisingWaveSession,
  candidates: QualifiedName[],
  logger: Logger,
  announce: (relation: QualifiedName) => string,
): Promise<DropResult> {
  if (candidates.length === 0) return { dropped: [], kept: [] };
  const sweep = planSweep(await session.catalog(), candidates);
  const dropped: QualifiedName[] = [];
  const failed = new Map<string, string>();
  for (const relation of sweep.dropped) {
    logger.info(announce(relation));
    try {
      await session.execute(dropMaterializedView(relation));
      dropped.push(relation);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.set(key(relation), message);
      logger.warning(
        `Could not drop ${quoteQualified(relation)}: ${message}. Manual cleanup required: ` +
          `${dropMaterializedView(relation)};`,
      );
    }
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
  session: RisingWaveReader,
  relations: QualifiedName[],
): Promise<KeptTemp[]> {
  if (relations.length === 0) return [];
  const catalog = await session.catalog();
  return relations.flatMap((relation) => {
    const found = catalog.find(relation.schema, relation.identifier);
    return found ? [{ relation, readers: readersOf(catalog, found.id, new Set()) }] : [];
  });
}
