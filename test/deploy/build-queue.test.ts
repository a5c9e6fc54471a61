import { describe, expect, it } from "vitest";
import { canOverlap, runBuildQueue } from "../../src/deploy/execute/build-queue.js";
import { phasesOf } from "../../src/deploy/execute/phases.js";
import type { PlannedModel } from "../../src/plan/types.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("runBuildQueue", () => {
  it("runs independent items side by side up to maxParallel, each after what it reads", async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const item = (key: string, after: string[] = []) => ({
      key,
      after,
      run: async (lane: number) => {
        running++;
        most = Math.max(most, running);
        events.push(`start ${key} on ${lane}`);
        await tick();
        events.push(`end ${key}`);
        running--;
        return true;
      },
    });
    await runBuildQueue([item("a"), item("b"), item("c"), item("d", ["a", "b"])], 2);
    expect(most).toBe(2);
    expect(events.slice(0, 2)).toEqual(["start a on 0", "start b on 1"]);
    const startD = events.findIndex((event) => event.startsWith("start d"));
    expect(startD).toBeGreaterThan(events.indexOf("end a"));
    expect(startD).toBeGreaterThan(events.indexOf("end b"));
    expect(events.filter((e) => e.startsWith("start"))).toHaveLength(4);
  });

  it("starts nothing new after a failure, and never what reads a failed item", async () => {
    const started: string[] = [];
    const item = (key: string, ok: boolean, after: string[] = []) => ({
      key,
      after,
      run: async () => {
        started.push(key);
        await tick();
        return ok;
      },
    });
    await runBuildQueue([item("a", false), item("b", true, ["a"]), item("c", true)], 1);
    expect(started).toEqual(["a"]);
  });

  it("canOverlap: a chain never overlaps, two branches do", () => {
    expect(
      canOverlap([
        { key: "a", after: [] },
        { key: "b", after: ["a"] },
        { key: "c", after: ["b"] },
      ]),
    ).toBe(false);
    expect(
      canOverlap([
        { key: "a", after: [] },
        { key: "b", after: ["a"] },
        { key: "c", after: ["a"] },
      ]),
    ).toBe(true);
  });
});

describe("phasesOf", () => {
  it("stages every step before the SWAP, whatever its kind, and puts hand-offs and post-hooks after", () => {
    const relation = { schema: "s", identifier: "m_tmp" };
    const target = { schema: "s", identifier: "m" };
    const entry = {
      steps: [
        { kind: "pre-hook", sql: "pre" },
        { kind: "create", sql: "create", relation },
        { kind: "wait-backfill", relation },
        { kind: "grant", sql: "grant" },
        { kind: "swap", sql: "swap", target, temp: relation },
        { kind: "rename-index", sql: "rename" },
        { kind: "post-hook", sql: "post" },
        { kind: "cleanup", sql: "drop", relation },
      ],
    } as unknown as PlannedModel;
    const phases = phasesOf(entry);
    expect(phases.stage.map((step) => step.kind)).toEqual([
      "pre-hook",
      "create",
      "wait-backfill",
      "grant",
    ]);
    expect(phases.swaps.map((step) => step.sql)).toEqual(["swap"]);
    expect(phases.handOffs.map((step) => step.kind)).toEqual(["rename-index"]);
    expect(phases.postHooks.map((step) => step.kind)).toEqual(["post-hook"]);
  });
});
