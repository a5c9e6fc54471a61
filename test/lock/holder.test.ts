import { describe, expect, it } from "vitest";
import { currentHolder, staleReason } from "../../src/lock/holder.js";

const now = new Date(Date.UTC(2026, 0, 1, 12));
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("who holds the deploy lock, and when it may be released", () => {
  it("names the workflow run, or the CLI's host and process", () => {
    expect(
      currentHolder(
        {
          GITHUB_RUN_ID: "77",
          GITHUB_RUN_ATTEMPT: "2",
          GITHUB_REPOSITORY: "acme/shop",
          GITHUB_WORKFLOW: "deploy",
          GITHUB_JOB: "rollout",
          GITHUB_SERVER_URL: "https://github.com",
        },
        () => "cli",
      ),
    ).toEqual({
      description:
        'acme/shop run 77 attempt 2 (workflow "deploy", job rollout) https://github.com/acme/shop/actions/runs/77',
      runId: "77",
      runAttempt: 2,
    });
    expect(currentHolder({}, () => "cli on host (pid 1)")).toEqual({
      description: "cli on host (pid 1)",
    });
  });

  it("releases a lock older than stale-lock-after, or left by an earlier attempt of this run; respects the rest", () => {
    const me = { description: "me", runId: "77", runAttempt: 2 };
    const sixHours = 6 * 3_600_000;
    expect(staleReason({ holder: "x", startedAt: ago(7 * 3_600_000) }, me, now, sixHours)).toBe(
      "it is older than stale-lock-after (7.0 h)",
    );
    expect(
      staleReason(
        { holder: "x", startedAt: ago(1000), runId: "77", runAttempt: 1 },
        me,
        now,
        sixHours,
      ),
    ).toBe("it was taken by attempt 1 of this workflow run, which is no longer running");
    // Same run, same attempt: a matrix job next to this one.
    expect(
      staleReason(
        { holder: "x", startedAt: ago(1000), runId: "77", runAttempt: 2 },
        me,
        now,
        sixHours,
      ),
    ).toBeUndefined();
    expect(staleReason({ holder: "x", startedAt: ago(60_000) }, me, now, sixHours)).toBeUndefined();
    expect(
      staleReason({ holder: "x", startedAt: new Date("nonsense") }, me, now, 0),
    ).toBeUndefined();
  });
});
