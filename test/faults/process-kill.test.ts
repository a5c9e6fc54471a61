// Issue 7, fault injection: the action process itself is killed (SIGKILL: a cancelled job, a
// lost runner) while the new version of an MV is being built. The stand-in has no backfill, so
// the proxy makes the build slow: it holds the temp MV's CREATE before the server gets it (as a
// foreground CREATE that RisingWave cancels when its client goes), or holds the reply to the
// backfill progress poll once the temp MV exists (as a background job that outlives its client).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TempRepo } from "../support/action-runner/index.js";
import type { FaultSpec } from "../support/risingwave/proxy.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { readersSawNothing, rerunConverges, sweepRemovesLeftovers } from "./converge.js";
import {
  KINDS,
  columnsOf,
  indexes,
  json,
  prepareEpisode,
  relations,
  startReaders,
  tempMvs,
} from "./episode.js";

const TEMP_CREATE = /^CREATE MATERIALIZED VIEW "public"\."(kinds_dbt_zero_down_tmp_[0-9T_]+Z)"/;

/** Holds the temp MV's CREATE before it reaches the server. */
function holdCreate(): FaultSpec {
  return {
    when: (sql) => TEMP_CREATE.test(sql),
    at: "before-forward",
    action: { delayMs: 20_000 },
  };
}

/** Once the temp MV is created, holds the reply to the first backfill progress poll. */
function holdBackfillPoll(): FaultSpec {
  let created = false;
  return {
    when: (sql) => {
      if (TEMP_CREATE.test(sql)) created = true;
      return created && /\brw_ddl_progress\b/.test(sql);
    },
    at: "after-forward",
    action: { delayMs: 20_000 },
  };
}

describe("deploy process killed mid-build", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo | undefined;

  beforeEach(async () => {
    target = await openRisingWaveTarget();
  });
  afterEach(async () => {
    await target?.close();
    repo?.remove();
  });

  it.each([
    ["while its CREATE is on the way (never reaches the server)", holdCreate, false],
    ["while it waits for the backfill (the temp MV exists)", holdBackfillPoll, true],
  ] as const)("SIGKILL %s", async (_when, fault, tempLeft) => {
    const episode = await prepareEpisode(target, { dash: true });
    repo = episode.repo;
    const names = ["public.kinds", "public.top_kinds", "public.dash"];
    const readers = startReaders(target.url, Object.fromEntries(names.map((n) => [n, KINDS])));
    const held = target.injectFault(fault());
    const kill = new AbortController();
    void held.fired.then(() => setTimeout(() => kill.abort(), 300));

    const started = Date.now();
    const killed = await episode.deploy({ kill: { signal: kill.signal } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(killed.killed).toBe(true);
    expect(killed.exitCode).toBeNull();
    expect(killed.signal).toBe("SIGKILL");
    // It died mid-build, after the temp MV's CREATE and before any SWAP, and claimed nothing.
    const statements = killed.log.split("\n").filter((line) => line.startsWith("> "));
    const create = statements.find((line) => TEMP_CREATE.test(line.slice(2)));
    const head = (line: string) => line.split(" ").slice(1, 4).join(" ");
    expect(statements.slice(statements.indexOf(create ?? "")).map(head)).toEqual(
      tempLeft
        ? ["CREATE MATERIALIZED VIEW", "SET BACKGROUND_DDL ="]
        : ["CREATE MATERIALIZED VIEW"],
    );
    expect(killed.log).not.toMatch(/> ALTER|Deployed|Preserving|::error/);
    expect(json(killed.outputs.swapped)).toEqual([]);
    const temp = TEMP_CREATE.exec(create?.slice(2) ?? "")?.[1];

    // The name still serves the previous version, indexed; the new one is an unread temp, if any.
    expect(await columnsOf(target, "public.kinds")).toEqual(["kind", "n"]);
    expect((await indexes(target))["__dbt_index_kinds_kind"]).toBe("kinds");
    expect(await tempMvs(target)).toEqual(tempLeft ? [{ name: temp, readers: [] }] : []);
    // The killed run could not release its deploy lock; its next attempt does.
    expect(await relations(target)).toContain("rw_zero_downtime_deploy_lock");

    const rerun = await rerunConverges(target, episode);
    expect(rerun.log).toMatch(
      /Releasing the deploy lock taken by acme\/\S+ run 9000000001 attempt 1 .*: it was taken by attempt 1 of this workflow run, which is no longer running\./,
    );
    const { cleanup } = await sweepRemovesLeftovers(target, episode);
    if (tempLeft) expect(json(cleanup.outputs["dropped-temp-mvs"])).toContain(`public.${temp}`);
    readersSawNothing(await readers.stop(), names);
  });
});
