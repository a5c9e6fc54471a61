// The second half of every fault episode: the same deploy run again must converge, and the
// next cleanup sweep must remove what was left without touching anything a live object reads.
import { expect } from "vitest";
import type { RunResult } from "../support/action-runner/index.js";
import type { RisingWaveTarget } from "../support/risingwave/target.js";
import {
  KINDS,
  columnsOf,
  indexes,
  json,
  relations,
  tempMvs,
  type Episode,
  type ReaderReport,
} from "./episode.js";

export interface Convergence {
  rerun: RunResult;
  cleanup: RunResult;
  /** Temp MVs before the sweep, with what read each. */
  tempsBeforeSweep: { name: string; readers: string[] }[];
}

/**
 * (c) The same deploy, rerun ("Re-run jobs": the next attempt of the same workflow run, which
 * releases a deploy lock a killed attempt left), leaves kinds at V2 under its name, indexed, read
 * by top_kinds.
 */
export async function rerunConverges(target: RisingWaveTarget, episode: Episode) {
  const rerun = await episode.deploy({ env: { GITHUB_RUN_ATTEMPT: "2" } });
  expect(rerun.exitCode, rerun.log).toBe(0);
  expect(await columnsOf(target, "public.kinds")).toEqual(["kind", "n", "last_id"]);
  const rows = await target.query<{ kind: string; n: number; last_id: number }>(
    "SELECT kind, n::int AS n, last_id FROM public.kinds ORDER BY kind",
  );
  expect(rows).toHaveLength(KINDS);
  // Events 1..700 with kind 'k' || id % 7: kind k0 holds 7, 14, ..., 700.
  expect(rows[0]).toEqual({ kind: "k0", n: 100, last_id: 700 });
  expect((await indexes(target))["__dbt_index_kinds_kind"]).toBe("kinds");
  // top_kinds was rebuilt on the new version, so it no longer holds an old one alive.
  const upstreamOfTop = await target.query<{ name: string }>(
    `SELECT u.name FROM rw_catalog.rw_depend d
       JOIN rw_catalog.rw_relations r ON r.id = d.objid
       JOIN rw_catalog.rw_relations u ON u.id = d.refobjid
      WHERE r.name = 'top_kinds' AND u.relation_type <> 'index'`,
  );
  expect(upstreamOfTop.map((row) => row.name)).toEqual(["kinds"]);
  return rerun;
}

/**
 * (d) The sweep drops exactly the temp MVs nothing reads (a chain drains in one run) and keeps
 * every one a live object reads; nothing else changes.
 */
export async function sweepRemovesLeftovers(target: RisingWaveTarget, episode: Episode) {
  const tempsBeforeSweep = await tempMvs(target);
  const before = await relations(target);
  const cleanup = await episode.cleanup();
  expect(cleanup.exitCode, cleanup.log).toBe(0);
  const after = await tempMvs(target);
  for (const temp of after) {
    expect(temp.readers, `${temp.name} is left although nothing reads it`).not.toEqual([]);
  }
  const read = tempsBeforeSweep.filter((temp) =>
    temp.readers.some((reader) => !reader.includes("_dbt_zero_down_tmp_")),
  );
  for (const temp of read) {
    expect(after.map((left) => left.name)).toContain(temp.name);
  }
  const dropped = json(cleanup.outputs["dropped-temp-mvs"]).map((name) =>
    name.slice("public.".length),
  );
  expect(new Set(await relations(target))).toEqual(
    new Set(before.filter((name) => !dropped.includes(name))),
  );
  expect(dropped.every((name) => name.includes("_dbt_zero_down_tmp_"))).toBe(true);
  return { cleanup, tempsBeforeSweep };
}

/** (a) Every read of every name succeeded and counted a complete MV. */
export function readersSawNothing(report: ReaderReport, names: string[]) {
  expect(report.problems).toEqual([]);
  for (const name of names) expect(report.reads[name] ?? 0).toBeGreaterThan(20);
}
