import type { Logger } from "../../log/logger.js";
import { acquireDeployLock, type DeployLock } from "../../lock/deploy-lock.js";
import type { LockHolder } from "../../lock/holder.js";
import { openDatabase } from "../../risingwave/open.js";
import type { RisingWaveSession } from "../../risingwave/session.js";
import type { Settings } from "../../settings/settings.js";
import { displayName } from "../../sql/quote.js";
import { CreatedObjects } from "../execute/created-objects.js";
import { cutOver } from "../execute/cut-over.js";
import { failureText, lostConnectionAt } from "../execute/failure-notes.js";
import { hasCredentials, lockHolderOf } from "../run-deploy.js";
import { planRollback, type RollbackPlan, type RollbackUnit } from "./plan-rollback.js";

export interface RollbackResult {
  dryRun: boolean;
  plan: RollbackPlan;
  /** Absent in a dry run and when refused. */
  swapped?: RollbackUnit[];
  windowMs?: number;
  /** Why the rollback failed or was refused, in one line per cause. */
  errors: string[];
  /** What went wrong after the SWAPs without undoing them (index names not handed back). */
  notes: string[];
}

/** The requested names: `models` is a comma or space separated list; empty = the last deploy. */
function requestedNames(models: string | undefined): string[] {
  return (models ?? "")
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/**
 * `mode: rollback` (issue 12 item 4): the preserved previous versions swapped back in as one unit
 * through the deploy's cut-over, under the deploy lock; planned again under the lock, so what
 * another run changed meanwhile is seen. A dry run plans and writes nothing.
 */
export async function runRollback(
  settings: Settings,
  logger: Logger,
  env: Record<string, string | undefined>,
  now = new Date(),
  lockHolder: LockHolder = lockHolderOf(env),
): Promise<RollbackResult> {
  if (!hasCredentials(settings, env)) {
    throw new Error(
      "No database credentials: set the `database-url` input (or the PG* environment variables) to roll back.",
    );
  }
  const requested = requestedNames(settings.models);
  const database = await openDatabase(settings.databaseUrl, logger);
  let lock: DeployLock | undefined;
  try {
    const planned = planRollback(
      await database.reader.catalog(),
      requested,
      settings.targetSchema,
      now,
    );
    announce(planned, logger);
    if (settings.dryRun || planned.refusals.length > 0) {
      return { dryRun: settings.dryRun, plan: planned, errors: planned.refusals, notes: [] };
    }
    const writer = database.writer();
    lock = await acquireDeployLock(writer, {
      schema: settings.targetSchema,
      holder: lockHolder,
      staleAfterMs: settings.staleLockAfterMs,
      logger,
    });
    const locked = await database.reader.catalog();
    const plan = planRollback(locked, requested, settings.targetSchema, now);
    if (plan.refusals.length > 0) {
      return { dryRun: false, plan, errors: plan.refusals, notes: [] };
    }
    const held = lock;
    const result = await logger.group("Cut-over (rollback)", () =>
      cutOver(
        plan.units,
        {
          session: writer,
          created: new CreatedObjects(locked),
          logger,
          waitTimeoutMs: settings.waitTimeoutMs,
          pollIntervalMs: 2_000,
        },
        () => held.stillHeld(writer),
        logger,
      ),
    );
    if (result.kind === "refused") {
      return {
        dryRun: false,
        plan,
        errors: [`${result.error.message}; nothing was rolled back`],
        notes: [],
      };
    }
    const errors: string[] = [];
    if (result.failure) {
      const { unit, error } = result.failure;
      const left = lostConnectionAt(error)
        ? "the connection was lost during its SWAP: it serves a complete MV, either version; check its id and run the rollback again"
        : "it is unchanged";
      const rest = plan.units.filter((other) => !result.swapped.includes(other) && other !== unit);
      errors.push(
        `${displayName(unit.target)}: ${failureText(error)} (${left})` +
          (result.swapped.length > 0
            ? `; rolled back already: ${result.swapped.map((done) => displayName(done.target)).join(", ")}`
            : "") +
          (rest.length > 0
            ? `; not rolled back: ${rest.map((other) => displayName(other.target)).join(", ")}`
            : ""),
      );
    }
    const swapped = result.swapped as RollbackUnit[];
    const notes = await logger.group("Index names handed back", () =>
      handBackIndexNames(swapped, writer, logger),
    );
    return { dryRun: false, plan, swapped, windowMs: result.windowMs, errors, notes };
  } finally {
    await lock?.release(database.writer(), async () =>
      (await openDatabase(settings.databaseUrl, logger)).writer(),
    );
    await database.close();
  }
}

/**
 * After the SWAPs, outside the cut-over window: a rename that fails leaves the rollback done and
 * the names where they are, which the next deploy's hand-over takes back.
 */
async function handBackIndexNames(
  units: RollbackUnit[],
  writer: RisingWaveSession,
  logger: Logger,
): Promise<string[]> {
  const notes: string[] = [];
  for (const unit of units) {
    for (const sql of unit.indexRenames) {
      try {
        logger.info(sql);
        await writer.execute(sql);
      } catch (error) {
        const note = `${displayName(unit.target)}: its index names were not all handed back (${failureText(error)}); the next deploy takes them back`;
        logger.warning(note);
        notes.push(note);
        break;
      }
    }
  }
  return notes;
}

function announce(plan: RollbackPlan, logger: Logger): void {
  for (const unit of plan.units) {
    logger.info(
      `${displayName(unit.target)}: back to ${displayName(unit.temp)} (id ${unit.tempId}, the version before the deploy of ${unit.deployedAt.toISOString()}); live id ${unit.targetId}.`,
    );
  }
  for (const warning of plan.warnings) logger.warning(warning);
  for (const refusal of plan.refusals) logger.error(`Rollback refused: ${refusal}`);
}
