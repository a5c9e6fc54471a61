/** Who holds the deploy lock, as recorded in it and shown to the next run that finds it. */
export interface LockHolder {
  /** e.g. `acme/shop run 123 attempt 1 (workflow "deploy", job deploy) https://…/runs/123`. */
  description: string;
  /** GitHub Actions run id and attempt: a later attempt of the same run outlives an earlier one. */
  runId?: string;
  runAttempt?: number;
}

/** The holder for this process: the workflow run on GitHub Actions, else the CLI's host and pid. */
export function currentHolder(
  env: Record<string, string | undefined>,
  fallback: () => string,
): LockHolder {
  const runId = env.GITHUB_RUN_ID;
  if (!runId) return { description: fallback() };
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? "1");
  const repository = env.GITHUB_REPOSITORY ?? "?";
  const url = env.GITHUB_SERVER_URL
    ? ` ${env.GITHUB_SERVER_URL}/${repository}/actions/runs/${runId}`
    : "";
  return {
    description:
      `${repository} run ${runId} attempt ${attempt} (workflow "${env.GITHUB_WORKFLOW ?? "?"}", ` +
      `job ${env.GITHUB_JOB ?? "?"})${url}`,
    runId,
    runAttempt: Number.isInteger(attempt) ? attempt : 1,
  };
}

export interface HeldLock {
  holder: string;
  startedAt: Date;
  runId?: string;
  runAttempt?: number;
}

/**
 * Why a lock found at start may be released, or undefined when it must be respected: it is older
 * than `stale-lock-after`, or it was taken by an earlier attempt of this very workflow run (GitHub
 * never runs two attempts of one run at once, so that attempt was cancelled or killed).
 */
export function staleReason(
  held: HeldLock,
  me: LockHolder,
  now: Date,
  staleAfterMs: number,
): string | undefined {
  const age = now.getTime() - held.startedAt.getTime();
  if (
    me.runId !== undefined &&
    held.runId === me.runId &&
    held.runAttempt !== undefined &&
    me.runAttempt !== undefined &&
    held.runAttempt < me.runAttempt
  ) {
    return `it was taken by attempt ${held.runAttempt} of this workflow run, which is no longer running`;
  }
  if (Number.isNaN(held.startedAt.getTime())) return undefined;
  if (age >= staleAfterMs) return `it is older than stale-lock-after (${formatAge(age)})`;
  return undefined;
}

export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}
