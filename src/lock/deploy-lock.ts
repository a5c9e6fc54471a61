import { randomBytes } from "node:crypto";
import type { Logger } from "../log/logger.js";
import { errorText, isConnectionLoss } from "../risingwave/errors.js";
import type { RisingWaveSession } from "../risingwave/session.js";
import { quoteIdent, quoteLiteral, quoteQualified, type QualifiedName } from "../sql/quote.js";
import { formatAge, staleReason, type HeldLock, type LockHolder } from "./holder.js";

/** The lock's name: one per target schema, so every deploy of the project meets the same one. */
export const LOCK_NAME = "rw_zero_downtime_deploy_lock";

export class DeployLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployLockError";
  }
}

export interface LockOptions {
  schema: string;
  holder: LockHolder;
  /** A lock older than this was left by a run that died: it is released. */
  staleAfterMs: number;
  logger: Logger;
  now?: () => Date;
}

export interface DeployLock {
  relation: QualifiedName;
  /** Still ours: the name has the id this run created it with. */
  stillHeld(session: RisingWaveSession): Promise<boolean>;
  /** Drops it if it is still ours; `reopen` gives a fresh session when this one is gone. */
  release(session: RisingWaveSession, reopen: () => Promise<RisingWaveSession>): Promise<void>;
}

/**
 * Issue 11 item 8. RisingWave has no advisory locks and its DDL is atomic per statement: meta
 * checks the name and creates the view in one transaction under its catalog write lock
 * (CatalogController::create_view, src/meta/src/controller/catalog/create_op.rs @v2.6.2), so of
 * two `CREATE VIEW` of one name exactly one succeeds. A view of constants is the cheapest such
 * object: no streaming job, catalog only. It records who took it and when.
 */
export async function acquireDeployLock(
  session: RisingWaveSession,
  options: LockOptions,
): Promise<DeployLock> {
  const relation = { schema: options.schema, identifier: LOCK_NAME };
  const now = options.now ?? (() => new Date());
  const schemas = await session.select("SELECT name FROM rw_catalog.rw_schemas WHERE name = $1", [
    options.schema,
  ]);
  if (schemas.length === 0) {
    await session.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
  }
  for (let attempt = 1; ; attempt++) {
    const token = randomBytes(12).toString("hex");
    const started = now();
    try {
      options.logger.info(`Taking the deploy lock ${quoteQualified(relation)}.`);
      await session.execute(createLockSql(relation, options.holder, started, token));
    } catch (error) {
      if (isConnectionLoss(error) || !/exists/i.test(errorText(error))) {
        throw new DeployLockError(
          `Could not take the deploy lock (CREATE VIEW ${quoteQualified(relation)}): ${errorText(error)}. ` +
            `The deploy user needs CREATE on schema ${options.schema}.`,
        );
      }
      const heldId = await session.relationId(relation);
      const held = await readLock(session, relation);
      const stale =
        attempt === 1 ? staleReason(held, options.holder, now(), options.staleAfterMs) : undefined;
      if (stale === undefined || heldId === undefined) throw heldError(relation, held, now());
      // Only the lock that was found stale: another run may have replaced it meanwhile.
      if ((await session.relationId(relation)) !== heldId) throw heldError(relation, held, now());
      await releaseStale(session, relation, held, stale, options.logger, now());
      continue;
    }
    const id = await session.relationId(relation);
    const mine = await readLock(session, relation).catch(() => undefined);
    if (id === undefined || mine?.token !== token) {
      throw new DeployLockError(
        `The deploy lock ${quoteQualified(relation)} was taken by another run at the same moment; nothing was done (no DDL).`,
      );
    }
    return ownLock(relation, id, options.logger);
  }
}

function createLockSql(
  relation: QualifiedName,
  holder: LockHolder,
  started: Date,
  token: string,
): string {
  const column = (value: string, name: string) => `${quoteLiteral(value)}::varchar AS ${name}`;
  return (
    `CREATE VIEW ${quoteQualified(relation)} AS SELECT ` +
    [
      column(holder.description, "holder"),
      column(started.toISOString(), "started_at"),
      column(token, "token"),
      column(holder.runId ?? "", "run_id"),
      column(String(holder.runAttempt ?? ""), "run_attempt"),
    ].join(", ")
  );
}

async function readLock(
  session: RisingWaveSession,
  relation: QualifiedName,
): Promise<HeldLock & { token: string }> {
  let row: Record<string, unknown> | undefined;
  try {
    [row] = await session.select(
      `SELECT holder, started_at, token, run_id, run_attempt FROM ${quoteQualified(relation)}`,
    );
  } catch (error) {
    if (isConnectionLoss(error)) throw error;
    throw new DeployLockError(
      `${quoteQualified(relation)} exists but is not a deploy lock of this action (${errorText(error)}); ` +
        "rename or drop that object. Nothing was done (no DDL).",
    );
  }
  const text = (key: string) =>
    row?.[key] === null || row?.[key] === undefined ? "" : String(row[key]);
  const attempt = Number(text("run_attempt"));
  return {
    holder: text("holder") || "an unknown run",
    startedAt: new Date(text("started_at")),
    token: text("token"),
    ...(text("run_id") ? { runId: text("run_id") } : {}),
    ...(text("run_attempt") && Number.isInteger(attempt) ? { runAttempt: attempt } : {}),
  };
}

function heldError(relation: QualifiedName, held: HeldLock, now: Date): DeployLockError {
  const since = Number.isNaN(held.startedAt.getTime())
    ? "at an unknown time"
    : `at ${held.startedAt.toISOString()} (${formatAge(now.getTime() - held.startedAt.getTime())} ago)`;
  return new DeployLockError(
    `Another deploy is running against this database: the deploy lock ${quoteQualified(relation)} was ` +
      `taken by ${held.holder} ${since}. Nothing was done (no DDL). If that run is no longer running, ` +
      `rerun with stale-lock-after: 0 to release it, or drop it: DROP VIEW ${quoteQualified(relation)};`,
  );
}

async function releaseStale(
  session: RisingWaveSession,
  relation: QualifiedName,
  held: HeldLock,
  reason: string,
  logger: Logger,
  now: Date,
): Promise<void> {
  logger.warning(
    `Releasing the deploy lock taken by ${held.holder} at ${held.startedAt.toISOString()} ` +
      `(${formatAge(now.getTime() - held.startedAt.getTime())} ago): ${reason}.`,
  );
  await session.execute(`DROP VIEW IF EXISTS ${quoteQualified(relation)}`);
}

function ownLock(relation: QualifiedName, id: number, logger: Logger): DeployLock {
  const stillHeld = async (session: RisingWaveSession) =>
    (await session.relationId(relation)) === id;
  return {
    relation,
    stillHeld,
    async release(session, reopen) {
      let current = session;
      try {
        for (let attempt = 1; attempt <= 2; attempt++) {
          try {
            if (await stillHeld(current)) {
              await current.execute(`DROP VIEW IF EXISTS ${quoteQualified(relation)}`);
            }
            return;
          } catch (error) {
            if (attempt === 2 || !isConnectionLoss(error)) {
              logger.warning(
                `Could not release the deploy lock (${errorText(error)}); the next deploy releases it once ` +
                  `it is older than stale-lock-after, or drop it: DROP VIEW ${quoteQualified(relation)};`,
              );
              return;
            }
            // The deploy's connection is gone (that is often why it failed): release on a new one.
            try {
              current = await reopen();
            } catch (reopenError) {
              logger.warning(
                `Could not release the deploy lock (${errorText(reopenError)}); the next deploy releases ` +
                  `it once it is older than stale-lock-after, or drop it: DROP VIEW ${quoteQualified(relation)};`,
              );
              return;
            }
          }
        }
      } finally {
        if (current !== session) await current.close();
      }
    },
  };
}
