import type { Logger } from "../log/logger.js";
import { quoteQualified, type QualifiedName } from "../sql/quote.js";
import type { CreatingJob } from "./catalog.js";
import type { RisingWaveSession } from "./session.js";

export class BackfillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackfillError";
  }
}

export interface BackfillWait {
  relation: QualifiedName;
  /** Shown in progress lines, e.g. `orders: backfill 42.0%`. */
  label: string;
  timeoutMs: number;
  pollIntervalMs: number;
  /** Progress lines are repeated at least this often even when the figure has not moved. */
  quietLogMs?: number;
  /** Told the MV's id as soon as it is seen, even if the wait then fails. */
  onId?: (id: number) => void;
  /** Asked before each poll: true ends the wait early with a WaitStopped error. */
  shouldStop?: () => boolean;
}

/** The wait was given up on purpose (another model of the deploy failed), not by RisingWave. */
export class WaitStopped extends Error {
  constructor(label: string) {
    super(`${label}: the wait was stopped`);
    this.name = "WaitStopped";
  }
}

/** Polls after this many rounds with neither the MV nor its job in sight conclude the job failed. */
const VANISHED_ROUNDS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function jobFor(
  jobs: CreatingJob[],
  id: number | undefined,
  relation: QualifiedName,
): CreatingJob | undefined {
  const quoted = quoteQualified(relation);
  return jobs.find(
    (job) => (id !== undefined && job.ddlId === id) || job.statement.includes(quoted),
  );
}

/**
 * rw_ddl_progress.progress (calculate_progress, src/meta/src/barrier/progress.rs @v2.2.0 and
 * @main): `NN.NN% (consumed/total)` for an MV backfill, `N rows consumed` for a source backfill
 * (no total, so no percentage), and other texts (`Snapshot [..]`, `Unknown`) shown as they are.
 */
export function formatProgress(progress: string): string {
  const percent = /^\s*(\d+(?:\.\d+)?)%/.exec(progress);
  if (percent) return `${Number(percent[1]).toFixed(1)}%`;
  const rows = /^\s*(\d+) rows consumed\s*$/.exec(progress);
  if (rows) return `${Number(rows[1]).toLocaleString("en-US")} rows consumed`;
  return progress;
}

/**
 * Waits until RisingWave says the MV is usable, and returns its id: it exists, its job has left
 * rw_ddl_progress, its status is 'Created' (v2.8+; the status comes from this frontend's own
 * catalog), and on v3.0+ `WAIT MATERIALIZED VIEW` has returned. A background MV that is still
 * creating cannot be swapped (RisingWave reports it as not found), so this gate is what makes
 * the SWAP safe. Before 2.8 the frontend may learn of the completion a moment after meta does;
 * the executor retries a "not found" right after the wait for that reason.
 */
export async function waitForBackfill(
  session: RisingWaveSession,
  wait: BackfillWait,
  logger: Logger,
): Promise<number> {
  const started = Date.now();
  const quietLogMs = wait.quietLogMs ?? 30_000;
  let lastLogged = { text: "", at: 0 };
  let vanishedRounds = 0;
  let seenId: number | undefined;
  for (;;) {
    const state = await session.materializedView(wait.relation.schema, wait.relation.identifier);
    const id = state?.id;
    if (id !== undefined && id !== seenId) {
      seenId = id;
      wait.onId?.(id);
    }
    // Only once the id is known: whoever stopped the wait can then remove the MV by it.
    if (wait.shouldStop?.()) throw new WaitStopped(wait.label);
    const job = jobFor(await session.creatingJobs(), id, wait.relation);
    const created =
      state !== undefined && (state.status === undefined || state.status === "Created");
    if (id !== undefined && !job && created) {
      if (session.supports(3, 0)) {
        await session.waitMaterializedView(
          wait.relation,
          Math.max(1_000, wait.timeoutMs - (Date.now() - started)),
        );
      }
      if (lastLogged.text !== "") logger.info(`${wait.label}: backfill done, created`);
      return id;
    }
    if (id === undefined && !job) {
      vanishedRounds++;
      if (vanishedRounds >= VANISHED_ROUNDS) {
        throw new BackfillError(
          `${wait.label}: ${quoteQualified(wait.relation)} is neither created nor being created; its ` +
            "background job failed or was cancelled (see the RisingWave meta node log).",
        );
      }
    } else {
      vanishedRounds = 0;
    }
    const elapsed = Date.now() - started;
    const text = job
      ? `${wait.label}: backfill ${formatProgress(job.progress)}`
      : `${wait.label}: waiting`;
    if (text !== lastLogged.text || Date.now() - lastLogged.at >= quietLogMs) {
      logger.info(`${text} (${Math.round(elapsed / 1000)}s elapsed)`);
      lastLogged = { text, at: Date.now() };
    }
    if (elapsed >= wait.timeoutMs) {
      throw new BackfillError(
        `${wait.label}: backfill did not finish within wait-timeout (${Math.round(wait.timeoutMs / 1000)}s); ` +
          `last state: ${text.slice(wait.label.length + 2)}. Raise wait-timeout for large backfills.`,
      );
    }
    await sleep(wait.pollIntervalMs);
  }
}
