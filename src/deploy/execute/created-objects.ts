import type { Logger } from "../../log/logger.js";
import { dropStatement } from "../../plan/relation-type.js";
import type { DeployedType, PlannedModel } from "../../plan/types.js";
import type { CatalogSnapshot } from "../../risingwave/catalog.js";
import type { RisingWaveSession } from "../../risingwave/session.js";
import { quoteQualified, type QualifiedName } from "../../sql/quote.js";

const key = (relation: QualifiedName) => `${relation.schema}\u0000${relation.identifier}`;

/** The MV under this name is not one this run created: it is left alone. */
export class NotOursError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotOursError";
  }
}

/**
 * DESIGN 2.5, issue 11 item 1: the ids of the MVs this run created, each read by name right after
 * its CREATE and checked to be new (not in the catalog snapshot the plan was made from). Only
 * these, and the ids a plan names in its mayDrop, may be dropped by this run.
 */
export class CreatedObjects {
  private readonly created = new Map<string, number>();

  constructor(private readonly snapshot: CatalogSnapshot) {}

  record(relation: QualifiedName, id: number): void {
    if (this.snapshot.relation(id)) {
      throw new NotOursError(
        `${quoteQualified(relation)} has id ${id}, which existed before this run: it is not the MV ` +
          "this run created, and it is left alone",
      );
    }
    this.created.set(key(relation), id);
  }

  idOf(relation: QualifiedName): number | undefined {
    return this.created.get(key(relation));
  }

  /** The ids under which the plan lets this run drop `relation` for this model. */
  permittedIds(entry: PlannedModel, relation: QualifiedName): number[] {
    return entry.mayDrop
      .filter((drop) => key(drop.relation) === key(relation))
      .flatMap((drop) => {
        const id = drop.id ?? this.idOf(relation);
        return id === undefined ? [] : [id];
      });
  }
}

export type GuardedDrop = "dropped" | "absent" | "refused";

/**
 * DROP by name only while the name has one of the permitted ids, read right before the DROP:
 * a colleague's or another deploy's MV under the same name is never dropped.
 */
export async function dropIfPermitted(
  session: RisingWaveSession,
  relation: QualifiedName,
  permitted: number[],
  logger: Logger,
  type: DeployedType = "materialized view",
): Promise<GuardedDrop> {
  const id = await session.idOfType(relation, type);
  if (id === undefined) return "absent";
  if (!permitted.includes(id)) {
    logger.warning(
      `Not dropping ${quoteQualified(relation)}: it has id ${id}, not ${permitted.length > 0 ? permitted.join(" or ") : "one this run created"}, so it is not this run's to drop.`,
    );
    return "refused";
  }
  const sql = dropStatement(relation, type);
  logger.info(`> ${sql}`);
  await session.execute(sql);
  return "dropped";
}
