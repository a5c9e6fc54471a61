import { describeTemps, dropUnreadTemps } from "../../cleanup/drop-unread.js";
import type { Logger } from "../../log/logger.js";
import { describeReaders } from "../../plan/build-plan.js";
import { deployedType, dropStatement } from "../../plan/relation-type.js";
import type { PlannedModel } from "../../plan/types.js";
import { errorText } from "../../risingwave/errors.js";
import type { RisingWaveSession } from "../../risingwave/session.js";
import { quoteQualified, type QualifiedName } from "../../sql/quote.js";
import type { DeployOutcome } from "../outcome.js";
import { dropIfPermitted, type CreatedObjects } from "./created-objects.js";
import { isAlreadyExists } from "./failure-notes.js";

/**
 * Drops what this run built under `relation` for this model (by id, only ours), and says what
 * became of it. `cause`: the error of the model's own failure, when it failed.
 */
export async function removeOurs(
  session: RisingWaveSession,
  entry: PlannedModel,
  relation: QualifiedName,
  created: CreatedObjects,
  logger: Logger,
  cause?: unknown,
): Promise<string> {
  const id = created.idOf(relation);
  if (id === undefined) {
    return cause !== undefined && isAlreadyExists(cause)
      ? `${quoteQualified(relation)} already existed (another deploy, a colleague or dbt made it) and was left alone`
      : "nothing was created";
  }
  try {
    const result = await dropIfPermitted(
      session,
      relation,
      created.permittedIds(entry, relation),
      logger,
      deployedType(entry),
    );
    if (result === "dropped") {
      return `the ${deployedType(entry) === "view" ? "view" : "MV"} this run built (id ${id}) was removed`;
    }
    if (result === "absent") return "nothing of it is left";
    return `${quoteQualified(relation)} is no longer the MV this run built and was left alone`;
  } catch (dropError) {
    logger.warning(`Could not remove ${quoteQualified(relation)}: ${errorText(dropError)}`);
    return `remove ${quoteQualified(relation)} (id ${id}) by hand`;
  }
}

export interface UndoOptions {
  /** keep-failed-temps: the temporary MVs stay for debugging. */
  keepTemps: boolean;
  /** The model's own failure, when it failed (not when another model did). */
  cause?: unknown;
  /** Its CREATE has returned and its backfill wait is over. */
  waited: boolean;
}

/**
 * Issue 12 item 3: a deploy that does not cut over leaves production as it was. What this model's
 * staging built is removed (only by id, only this run's): its temporary MV (unless kept), a new
 * model's MV. A full refresh already dropped the live MV, so what it recreated stays; what an
 * in-place step applied stays too (it changed no definition). Returns what the model is left as.
 */
export async function undoStaging(
  session: RisingWaveSession,
  entry: PlannedModel,
  created: CreatedObjects,
  logger: Logger,
  options: UndoOptions,
  outcome: DeployOutcome,
): Promise<string> {
  if (entry.temp) {
    const id = created.idOf(entry.temp);
    if (options.keepTemps && id !== undefined) {
      outcome.keptFailedTemps.push(entry.temp);
      return `the original MV is untouched; its temporary MV ${quoteQualified(entry.temp)} (id ${id}) is kept (keep-failed-temps)`;
    }
    const removed = await removeOurs(session, entry, entry.temp, created, logger, options.cause);
    return `the original MV is untouched; ${removed}`;
  }
  if (entry.action === "create") {
    return removeOurs(session, entry, entry.target, created, logger, options.cause);
  }
  if (entry.action === "in-place") {
    return options.cause === undefined
      ? "what it applied in place stays (no definition changed)"
      : "the MV itself is unchanged; rerun the deploy to apply what is still missing";
  }
  if (entry.action === "full-refresh" && !options.waited) {
    const removed = await removeOurs(session, entry, entry.target, created, logger, options.cause);
    return `it was dropped for the full refresh and not created again: ${removed}; ${quoteQualified(entry.target)} does not exist now, rerun the deploy`;
  }
  return "the MV was created; the steps after its creation did not all run (rerun the deploy to complete them)";
}

/**
 * DESIGN 2.3 step 7, run after the cut-over so that rebuilt downstream MVs have let go of the
 * previous upstream versions: immediate cleanup drops a temp only when nothing reads it, and only
 * while it is still the previous version the plan named.
 */
export async function releaseTemps(
  models: PlannedModel[],
  outcome: DeployOutcome,
  session: RisingWaveSession,
  logger: Logger,
): Promise<void> {
  const isSwapped = (entry: PlannedModel) =>
    outcome.swapped.some(
      (target) =>
        target.schema === entry.target.schema && target.identifier === entry.target.identifier,
    );
  const applied = (entry: PlannedModel) =>
    outcome.models.find((model) => model.model === entry.model)?.status === "applied";
  const leafFirst = models.filter((entry) => entry.temp && isSwapped(entry)).reverse();
  const toDrop = leafFirst.filter((entry) => entry.immediateCleanup && applied(entry));
  const toKeep = leafFirst.filter((entry) => !toDrop.includes(entry));

  const result = await dropUnreadTemps(
    session,
    toDrop.map((entry) => ({
      relation: entry.temp as QualifiedName,
      id: entry.targetId,
      type: deployedType(entry),
    })),
    logger,
    (relation, type) => `Immediately cleaning up temporary ${type}: ${quoteQualified(relation)}`,
  );
  outcome.droppedTemps.push(...result.dropped);
  for (const kept of result.kept) {
    if (kept.readers.length > 0) {
      logger.info(
        `Keeping ${quoteQualified(kept.relation)}: still read by ${describeReaders(kept.readers)}.`,
      );
    } else if (kept.note) {
      logger.info(`Keeping ${quoteQualified(kept.relation)}: ${kept.note}.`);
    }
  }
  const preserved = await describeTemps(
    session,
    toKeep.map((entry) => entry.temp as QualifiedName),
  );
  const typeOf = (relation: QualifiedName) => {
    const entry = leafFirst.find(
      (model) =>
        model.temp?.schema === relation.schema && model.temp.identifier === relation.identifier,
    );
    return entry ? deployedType(entry) : "materialized view";
  };
  for (const kept of preserved) {
    logger.info(
      `Preserving temporary ${typeOf(kept.relation)} for downstream dependencies: ${quoteQualified(kept.relation)}`,
    );
  }
  for (const kept of [...result.kept, ...preserved]) {
    logger.info(`Manual cleanup required: ${dropStatement(kept.relation, typeOf(kept.relation))};`);
    outcome.preservedTemps.push(kept);
  }
}

/** DESIGN 2.5: a failed cleanup never fails the deploy; what is left is reported. */
export async function releaseTempsReporting(
  models: PlannedModel[],
  outcome: DeployOutcome,
  session: RisingWaveSession,
  logger: Logger,
): Promise<void> {
  try {
    await releaseTemps(models, outcome, session, logger);
  } catch (error) {
    const left = models.flatMap((entry) =>
      entry.temp && outcome.swapped.includes(entry.target) ? [entry.temp] : [],
    );
    const unreported = left.filter(
      (temp) =>
        !outcome.droppedTemps.includes(temp) &&
        !outcome.preservedTemps.some((kept) => kept.relation === temp),
    );
    logger.warning(`Cleanup of temporary MVs failed: ${errorText(error)}`);
    for (const temp of unreported) {
      const entry = models.find((model) => model.temp === temp);
      const type = entry ? deployedType(entry) : "materialized view";
      logger.info(`Manual cleanup required: ${dropStatement(temp, type)};`);
      outcome.preservedTemps.push({ relation: temp, readers: [], error: errorText(error) });
    }
  }
}
