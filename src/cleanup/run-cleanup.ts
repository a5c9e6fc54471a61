import type { Logger } from "../log/logger.js";
import { hasCredentials, lockHolderOf } from "../deploy/run-deploy.js";
import { acquireDeployLock, type DeployLock } from "../lock/deploy-lock.js";
import type { LockHolder } from "../lock/holder.js";
import { openDatabase } from "../risingwave/open.js";
import type { Settings } from "../settings/settings.js";
import { displayName, quoteQualified } from "../sql/quote.js";
import { describeReaders } from "../plan/build-plan.js";
import { dropUnreadTemps, planSweep, type KeptTemp } from "./drop-unread.js";
import { findTempMvs, type TempMv } from "./find-temps.js";

export interface CleanupResult {
  dryRun: boolean;
  schema?: string;
  olderThanMs: number;
  found: TempMv[];
  /** Dropped, or with a dry run, what would be dropped. */
  dropped: TempMv[];
  /** Candidates kept: something still reads them, or their DROP failed. */
  kept: (KeptTemp & { temp: TempMv })[];
  /** Younger than `older-than`: not candidates. */
  young: TempMv[];
}

/** DESIGN 2.7: sweep temporary MVs nothing depends on, never with CASCADE. */
export async function runCleanup(
  settings: Settings,
  logger: Logger,
  env: Record<string, string | undefined>,
  now = new Date(),
  lockHolder: LockHolder = lockHolderOf(env),
): Promise<CleanupResult> {
  if (!hasCredentials(settings, env)) {
    throw new Error(
      "No database credentials: set the `database-url` input (or the PG* environment variables) to run a cleanup.",
    );
  }
  const database = await openDatabase(settings.databaseUrl, logger);
  let lock: DeployLock | undefined;
  try {
    // A sweep takes the deploy lock too: a running deploy's finished-but-not-yet-swapped temp
    // MV has no readers, and must not be swept from under it.
    if (!settings.dryRun) {
      lock = await acquireDeployLock(database.writer(), {
        schema: settings.targetSchema,
        holder: lockHolder,
        staleAfterMs: settings.staleLockAfterMs,
        logger,
      });
    }
    const found = findTempMvs(await database.reader.catalog(), now, settings.schema);
    const candidates = found.filter((temp) => temp.ageMs >= settings.olderThanMs);
    const young = found.filter((temp) => !candidates.includes(temp));
    logger.info(
      `Found ${found.length} temporary MV(s)${settings.schema ? ` in schema ${settings.schema}` : ""}; ` +
        `${candidates.length} old enough to sweep${settings.olderThanMs > 0 ? " (older-than)" : ""}.`,
    );
    for (const temp of found) {
      logger.info(
        `  ${displayName(temp.relation)}: replaced ${temp.replaced}, age ${formatAge(temp.ageMs)}, ` +
          (temp.creating
            ? "still being created"
            : temp.readers.length > 0
              ? `read by ${describeReaders(temp.readers)}`
              : "nothing reads it"),
      );
    }

    const relations = candidates.map((temp) => ({
      relation: temp.relation,
      id: temp.id,
      type: temp.type,
    }));
    const sweep = settings.dryRun
      ? planSweep(await database.reader.catalog(), relations)
      : await dropUnreadTemps(
          database.writer(),
          relations,
          logger,
          (relation, type) => `Dropping temporary ${type}: ${quoteQualified(relation)}`,
        );
    const tempOf = (relation: { schema: string; identifier: string }) =>
      candidates.find(
        (temp) =>
          temp.relation.schema === relation.schema &&
          temp.relation.identifier === relation.identifier,
      ) as TempMv;
    const result: CleanupResult = {
      dryRun: settings.dryRun,
      schema: settings.schema,
      olderThanMs: settings.olderThanMs,
      found,
      dropped: sweep.dropped.map(tempOf),
      kept: sweep.kept.map((kept) => ({ ...kept, temp: tempOf(kept.relation) })),
      young,
    };
    if (settings.dryRun) {
      for (const temp of result.dropped)
        logger.info(`Would drop: ${quoteQualified(temp.relation)}`);
    }
    for (const kept of result.kept) {
      const why = kept.error
        ? `DROP failed: ${kept.error}`
        : (kept.note ?? `still read by ${describeReaders(kept.readers)}`);
      logger.info(`Preserving ${quoteQualified(kept.relation)}: ${why}`);
    }
    return result;
  } finally {
    await lock?.release(database.writer(), async () =>
      (await openDatabase(settings.databaseUrl, logger)).writer(),
    );
    await database.close();
  }
}

export function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))}m`;
  if (hours < 48) return `${hours.toFixed(1)}h`;
  return `${(hours / 24).toFixed(1)}d`;
}
