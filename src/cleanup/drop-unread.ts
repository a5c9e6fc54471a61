import type { Logger } from "../log/logger.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { errorText, isConnectionLoss } from "../risingwave/errors.js";
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
 * refuses to drop anything still read, stays the final judge. Once the connection is lost no
 * further DROP is tried, and what was dropped before is still reported as dropped.
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
  let lost: string | undefined;
  for (const relation of sweep.dropped) {
    const drop = `${dropMaterializedView(relation)};`;
    if (lost !== undefined) {
      failed.set(key(relation), `not attempted: the connection was lost before (${lost})`);
      continue;
    }
    logger.info(announce(relation));
    try {
      await session.execute(dropMaterializedView(relation));
      dropped.push(relation);
    } catch (error) {
      const message = errorText(error);
      if (isConnectionLoss(error)) {
        lost = message;
        failed.set(
          key(relation),
          `the connection was lost during the DROP (${message}); it may or may not have been dropped`,
        );
        logger.warning(
          `The connection was lost while dropping ${quoteQualified(relation)} (${message}): it may or ` +
            `may not have been dropped. If it is still there, the next cleanup sweep (mode: cleanup) ` +
            `removes it once nothing reads it, or run: ${drop}`,
        );
      } else {
        failed.set(key(relation), message);
        logger.warning(
          `Could not drop ${quoteQualified(relation)}: ${message}. Manual cleanup required: ${drop}`,
        );
      }
    }
  }
  const remaining = candidates.filter(
    (relation) => !dropped.some((done) => key(done) === key(relation)),
  );
  // Without a connection, what the sweep saw before the DROPs is the best knowledge there is.
  const fromSweep = (): KeptTemp[] =>
    remaining.flatMap((relation) => {
      const error = failed.get(key(relation));
      const seen = sweep.kept.find((kept) => key(kept.relation) === key(relation));
      if (seen) return [{ ...seen, error }];
      return error === undefined ? [] : [{ relation, readers: [], error }];
    });
  let kept: KeptTemp[];
  try {
    kept =
      lost === undefined
        ? (await describeTemps(session, remaining)).map((temp) => ({
            ...temp,
            error: failed.get(key(temp.relation)),
          }))
        : fromSweep();
  } catch {
    kept = fromSweep();
  }
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
