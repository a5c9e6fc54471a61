// Issue 7, fault injection: the deploy's database connection is cut at the riskiest moments
// of a zero-downtime rebuild. Readers on the MV names see no error and always a complete MV;
// the run says what happened and what it left; rerunning the same deploy converges; the next
// cleanup sweep removes the leftovers and nothing a live object reads.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TempRepo } from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { readersSawNothing, rerunConverges, sweepRemovesLeftovers } from "./converge.js";
import {
  KINDS,
  columnsOf,
  errors,
  indexes,
  json,
  plannedTemp,
  prepareEpisode,
  startReaders,
  tempMvs,
  warnings,
} from "./episode.js";

const LOST = "Connection terminated unexpectedly";

const isTempCreate = (sql: string) =>
  /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/.test(sql);
const isKindsSwap = (sql: string) =>
  /^ALTER MATERIALIZED VIEW "public"\."kinds" SWAP WITH "public"\."kinds_dbt_zero_down_tmp_/.test(
    sql,
  );
const isKindsTempDrop = (sql: string) =>
  /^DROP MATERIALIZED VIEW IF EXISTS "public"\."kinds_dbt_zero_down_tmp_/.test(sql);

describe("deploy connection lost mid-rebuild", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo | undefined;

  beforeEach(async () => {
    target = await openRisingWaveTarget();
  });
  afterEach(async () => {
    await target?.close();
    repo?.remove();
  });

  it("right after the temp MV is created: original untouched, the temp swept later", async () => {
    const episode = await prepareEpisode(target, { dash: true });
    repo = episode.repo;
    const names = ["public.kinds", "public.top_kinds", "public.dash"];
    const readers = startReaders(target.url, Object.fromEntries(names.map((n) => [n, KINDS])));
    const fault = target.injectFault({
      when: isTempCreate,
      at: "after-reply",
      action: "kill-connection",
    });

    const faulty = await episode.deploy();
    expect(fault.hits).toBe(1);
    expect(faulty.exitCode, faulty.log).toBe(1);
    const temp = plannedTemp(faulty, "kinds");
    // (b) The annotation says the connection was lost and that the original is untouched ...
    expect(errors(faulty)[0]).toMatch(
      new RegExp(
        `^kinds: [a-z-]+ failed: ${LOST} \\(the connection was lost during [a-z-]+: public\\.kinds is ` +
          "untouched; the next cleanup sweep \\(mode: cleanup\\) removes the temporary MV once nothing reads it\\)$",
      ),
    );
    expect(faulty.summary).toContain(
      "| `top_kinds` | swap | downstream of `kinds` | ⏭️ not attempted |",
    );
    expect(json(faulty.outputs.swapped)).toEqual([]);
    // ... and it is: V1 under the name, its index in place, the new version left as an unread temp.
    expect(await columnsOf(target, "public.kinds")).toEqual(["kind", "n"]);
    expect((await indexes(target))["__dbt_index_kinds_kind"]).toBe("kinds");
    expect(await tempMvs(target)).toEqual([{ name: temp, readers: [] }]);

    await rerunConverges(target, episode);
    const { tempsBeforeSweep, cleanup } = await sweepRemovesLeftovers(target, episode);
    expect(json(cleanup.outputs["dropped-temp-mvs"])).toContain(`public.${temp}`);
    // dash still reads V1, now under the rerun's temp name: it stays.
    expect(tempsBeforeSweep.filter((t) => t.readers.includes("dash"))).toHaveLength(1);
    readersSawNothing(await readers.stop(), names);
  });

  it("as the SWAP arrives, before the server gets it: no swap, said to be unknown, rerun settles it", async () => {
    const episode = await prepareEpisode(target, { dash: true });
    repo = episode.repo;
    const names = ["public.kinds", "public.top_kinds", "public.dash"];
    const readers = startReaders(target.url, Object.fromEntries(names.map((n) => [n, KINDS])));
    target.injectFault({ when: isKindsSwap, at: "before-forward", action: "kill-connection" });

    const faulty = await episode.deploy();
    expect(faulty.exitCode, faulty.log).toBe(1);
    const temp = plannedTemp(faulty, "kinds");
    expect(errors(faulty)[0]).toBe(
      `kinds: swap failed: ${LOST} (the connection was lost during swap: public.kinds serves a complete MV, ` +
        "either the previous or the new version (rerun the deploy to be sure); the next cleanup sweep " +
        "(mode: cleanup) removes the temporary MV once nothing reads it)",
    );
    // The previous version it is: the SWAP never ran. top_kinds was staged on kinds' temp before
    // the cut-over, which stopped at kinds: its temp stays, unswapped, reading kinds' temp.
    const topTemp = plannedTemp(faulty, "top_kinds");
    expect(await columnsOf(target, "public.kinds")).toEqual(["kind", "n"]);
    expect(await columnsOf(target, `public."${temp}"`)).toEqual(["kind", "n", "last_id"]);
    expect(await tempMvs(target)).toEqual([
      { name: temp, readers: [topTemp] },
      { name: topTemp, readers: [] },
    ]);
    expect(json(faulty.outputs.swapped)).toEqual([]);

    await rerunConverges(target, episode);
    const { cleanup } = await sweepRemovesLeftovers(target, episode);
    expect(json(cleanup.outputs["dropped-temp-mvs"])).toContain(`public.${temp}`);
    readersSawNothing(await readers.stop(), names);
  });

  it("after the server swapped, before the client hears of it: said to be unknown, rerun converges", async () => {
    const episode = await prepareEpisode(target, { dash: true });
    repo = episode.repo;
    const names = ["public.kinds", "public.top_kinds", "public.dash"];
    const readers = startReaders(target.url, Object.fromEntries(names.map((n) => [n, KINDS])));
    target.injectFault({ when: isKindsSwap, at: "after-forward", action: "kill-connection" });

    const faulty = await episode.deploy();
    expect(faulty.exitCode, faulty.log).toBe(1);
    const temp = plannedTemp(faulty, "kinds");
    // The run cannot know the SWAP took effect, and does not claim either way.
    expect(errors(faulty)[0]).toBe(
      `kinds: swap failed: ${LOST} (the connection was lost during swap: public.kinds serves a complete MV, ` +
        "either the previous or the new version (rerun the deploy to be sure); the next cleanup sweep " +
        "(mode: cleanup) removes the temporary MV once nothing reads it)",
    );
    expect(faulty.log).not.toMatch(/untouched/);
    // The new version it is; the index names were never handed over: the canonical name is
    // still on the previous version, which now has the temp name and is read by dash and top_kinds.
    // top_kinds' new version, staged on kinds' new version (by id), was not swapped in.
    const topTemp = plannedTemp(faulty, "top_kinds");
    expect(await columnsOf(target, "public.kinds")).toEqual(["kind", "n", "last_id"]);
    expect((await indexes(target))["__dbt_index_kinds_kind"]).toBe(temp);
    expect(await tempMvs(target)).toEqual([
      { name: temp, readers: ["dash", "top_kinds"] },
      { name: topTemp, readers: [] },
    ]);

    // The rerun swaps again and also takes the canonical index name back from that temp.
    const rerun = await rerunConverges(target, episode);
    expect(rerun.log).toContain(
      `> ALTER INDEX "public"."__dbt_index_kinds_kind" RENAME TO "__dbt_retired_index_${plannedTemp(rerun, "kinds")}_2"`,
    );
    const { tempsBeforeSweep } = await sweepRemovesLeftovers(target, episode);
    // The faulty run's temp (V1) is what dash reads: kept.
    expect(tempsBeforeSweep.find((t) => t.name === temp)?.readers).toContain("dash");
    expect((await tempMvs(target)).map((t) => t.name)).toEqual([temp]);
    readersSawNothing(await readers.stop(), names);
  });

  it.each([
    ["before the server gets it", "before-forward", true],
    ["after the server ran it", "after-forward", false],
  ] as const)(
    "at the immediate-cleanup DROP, %s: the deploy succeeds and says the temp may remain",
    async (_when, at, tempRemains) => {
      const episode = await prepareEpisode(target, { inputs: { "immediate-cleanup": "true" } });
      repo = episode.repo;
      const names = ["public.kinds", "public.top_kinds"];
      const readers = startReaders(target.url, Object.fromEntries(names.map((n) => [n, KINDS])));
      target.injectFault({ when: isKindsTempDrop, at, action: "kill-connection" });

      const faulty = await episode.deploy();
      // DESIGN 2.5: a failed cleanup never fails the deploy.
      expect(faulty.exitCode, faulty.log).toBe(0);
      const temp = plannedTemp(faulty, "kinds");
      const topTemp = plannedTemp(faulty, "top_kinds");
      expect(json(faulty.outputs.swapped)).toEqual(["public.kinds", "public.top_kinds"]);
      expect(await columnsOf(target, "public.kinds")).toEqual(["kind", "n", "last_id"]);
      // top_kinds' temp was dropped before the connection went, and is reported as dropped.
      expect(json(faulty.outputs["dropped-temp-mvs"])).toEqual([`public.${topTemp}`]);
      expect(json(faulty.outputs["preserved-temp-mvs"])).toEqual([`public.${temp}`]);
      expect(faulty.summary).not.toContain(`\`public.${topTemp}\`: `);
      expect(warnings(faulty)).toEqual([
        `The connection was lost while dropping "public"."${temp}" (${LOST}): it may or may not ` +
          "have been dropped. If it is still there, the next cleanup sweep (mode: cleanup) removes it " +
          `once nothing reads it, or run: DROP MATERIALIZED VIEW IF EXISTS "public"."${temp}";`,
      ]);
      expect(await tempMvs(target)).toEqual(tempRemains ? [{ name: temp, readers: [] }] : []);

      await rerunConverges(target, episode);
      const { cleanup } = await sweepRemovesLeftovers(target, episode);
      expect(json(cleanup.outputs["dropped-temp-mvs"])).toEqual(
        tempRemains ? [`public.${temp}`] : [],
      );
      expect(await tempMvs(target)).toEqual([]);
      readersSawNothing(await readers.stop(), names);
    },
  );
});
