import type { Logger } from "../log/logger.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { errorText, isConnectionLoss } from "../risingwave/errors.js";
import type { RisingWaveSession, RisingWaveReader } from "../risingwave/session.js";
import { quoteQualified, type QualifiedName } from "../sql/quote.js";
import { dropStatement } from "../plan/relation-type.js";
import type { DeployedType, Reader } from "../plan/types.js";

export interface KeptTemp {
  relation: QualifiedName;
  readers: Reader[];
  /** Why it is still there when no reader is the reason, e.g. the DROP failed. */
  error?: string;
  /** Kept on purpose though nothing reads it: still being created, or not the object planned. */
  note?: string;
}

/** A temporary MV to drop if nothing reads it, and only while its name has this id. */
export interface SweepCandidate {
  relation: QualifiedName;
  /** Absent: whatever id the name has in the catalog read right before the sweep. */
  id?: number;
  /** Absent: a materialized view. A view is dropped with DROP VIEW. */
  type?: DeployedType;
}

/** DROP of an MV still being created cancels its job (src/frontend/src/handler/drop_mv.rs @v2.2.0). */
export function creatingNote(progress: string | undefined): string {
  return (
    `still being created by a background job${progress ? ` (${progress})` : ""}: a DROP would ` +
    "cancel its build, so it is left alone"
  );
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
export function planSweep(catalog: CatalogSnapshot, candidates: SweepCandidate[]): DropResult {
  const held: KeptTemp[] = [];
  const present = candidates.flatMap(({ relation, id }) => {
    const found = catalog.find(relation.schema, relation.identifier);
    if (!found) return [];
    if (id !== undefined && found.id !== id) {
      held.push({
        relation,
        readers: [],
        note: `its name now belongs to another object (id ${found.id}, not ${id}), which this run did not plan to drop`,
      });
      return [];
    }
    if (catalog.isCreating(found.id)) {
      held.push({
        relation,
        readers: readersOf(catalog, found.id, new Set()),
        note: creatingNote(catalog.creatingJob(found.id)?.progress),
      });
      return [];
    }
    return [{ relation, id: found.id }];
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
  return { dropped, kept: [...held, ...kept] };
}

/**
 * Drops the candidates nothing reads, in planSweep's order, never with CASCADE. A DROP that fails
 * (a reader created meanwhile, say) is reported and the others go on; the database, which
 * refuses to drop anything still read, stays the final judge. Once the connection is lost no
 * further DROP is tried, and what was dropped before is still reported as dropped.
 */
export async function dropUnreadTemps(
  session: RisingWaveSession,
  candidates: SweepCandidate[],
  logger: Logger,
  announce: (relation: QualifiedName, type: DeployedType) => string,
): Promise<DropResult> {
  if (candidates.length === 0) return { dropped: [], kept: [] };
  const catalog = await session.catalog();
  const sweep = planSweep(catalog, candidates);
  const dropped: QualifiedName[] = [];
  const failed = new Map<string, string>();
  const notes = new Map(
    sweep.kept.flatMap((kept) => (kept.note ? [[key(kept.relation), kept.note] as const] : [])),
  );
  let lost: string | undefined;
  const typeOf = (relation: QualifiedName): DeployedType =>
    candidates.find((candidate) => key(candidate.relation) === key(relation))?.type ??
    "materialized view";
  for (const relation of sweep.dropped) {
    const type = typeOf(relation);
    const drop = `${dropStatement(relation, type)};`;
    if (lost !== undefined) {
      failed.set(key(relation), `not attempted: the connection was lost before (${lost})`);
      continue;
    }
    try {
      // Right before the DROP: still the object the sweep planned for, and still not creating.
      const planned = catalog.find(relation.schema, relation.identifier)?.id;
      const now =
        type === "view"
          ? await viewState(session, relation)
          : await session.materializedView(relation.schema, relation.identifier);
      if (!now) continue;
      if (now.id !== planned) {
        notes.set(
          key(relation),
          `its name now belongs to another object (id ${now.id}), not the one planned`,
        );
        continue;
      }
      if (now.status === "Creating") {
        notes.set(key(relation), creatingNote(undefined));
        continue;
      }
      logger.info(announce(relation, type));
      await session.execute(dropStatement(relation, type));
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
  const remaining = candidates
    .map((candidate) => candidate.relation)
    .filter((relation) => !dropped.some((done) => key(done) === key(relation)));
  // Without a connection, what the sweep saw before the DROPs is the best knowledge there is.
  const fromSweep = (): KeptTemp[] =>
    remaining.flatMap((relation) => {
      const error = failed.get(key(relation));
      const seen = sweep.kept.find((kept) => key(kept.relation) === key(relation));
      if (seen) return [{ ...seen, error }];
      return error === undefined ? [] : [{ relation, readers: [], error }];
    });
  const withNote = (temp: KeptTemp): KeptTemp => {
    const note = notes.get(key(temp.relation));
    return note ? { ...temp, note } : temp;
  };
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
  return { dropped, kept: kept.map(withNote) };
}

/** A view is never being created: it exists once its CREATE returns. */
async function viewState(
  session: RisingWaveSession,
  relation: QualifiedName,
): Promise<{ id: number; status?: string } | undefined> {
  const id = await session.idOfType(relation, "view");
  return id === undefined ? undefined : { id };
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
