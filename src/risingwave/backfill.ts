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

function formatProgress(progress: string): string {
  const value = Number.parseFloat(progress);
  return Number.isFinite(value) ? `${value.toFixed(1)}%` : progress;
}

/**
 * Waits until the MV exists and has left rw_ddl_progress. A background MV that is still
 * creating cannot be swapped (RisingWave reports it as not found), so this gate is what makes
 * the SWAP safe.
 */
export async function waitForBackfill(
  session: RisingWaveSession,
  wait: BackfillWait,
  logger: Logger,
): Promise<void> {
  const started = Date.now();
  const quietLogMs = wait.quietLogMs ?? 30_000;
  let lastLogged = { text: "", at: 0 };
  let vanishedRounds = 0;
  for (;;) {
    const id = await session.materializedViewId(wait.relation.schema, wait.relation.identifier);
    const job = jobFor(await session.creatingJobs(), id, wait.relation);
    if (id !== undefined && !job) {
      if (lastLogged.text !== "") logger.info(`${wait.label}: backfill 100.0%, created`);
      return;
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
