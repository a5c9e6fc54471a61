// Issue 11 item 8, as the attack: two deploys started together against one database; a lock
// left by a run that died; and a colleague who replaces the live MV while our new version is
// being built. Overlap is detected, not raced: nothing is swapped over what the plan did not see.
import { afterEach, describe, expect, it } from "vitest";
import { changes, errorsOf, openStage, warningsOf, type Stage } from "./stage.js";

const KINDS = (extra: string) =>
  `{{ config(zero_downtime={'enabled': true}, indexes=[{'columns': ['kind']}]) }}\nselect kind, count(*) as n${extra} from {{ source('app', 'events') }} group by kind`;
const TEMP_CREATE = /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/;

describe("overlapping deploys", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  const changed = async () => {
    stage = await openStage({ "models/kinds.sql": KINDS("") });
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const base = stage.repo.revParse();
    stage.repo.commit({ "models/kinds.sql": KINDS(", max(id) as last_id") }, "last_id");
    return { base, before: await stage.relations() };
  };

  /** The lock view a run of `holder` would leave, taken `ageMs` ago. */
  const leaveLock = (holder: string, ageMs: number, runId = "", attempt = "") =>
    stage.target.query(
      `CREATE VIEW public.rw_zero_downtime_deploy_lock AS SELECT '${holder}'::varchar AS holder,
         '${new Date(Date.now() - ageMs).toISOString()}'::varchar AS started_at, 'x'::varchar AS token,
         '${runId}'::varchar AS run_id, '${attempt}'::varchar AS run_attempt`,
    );

  it("two deploys started together: the second fails fast naming the first, before any DDL of its own", async (context) => {
    const { base, before } = await changed();
    if (stage.target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    const { target } = stage;
    // The first to create its temp MV backfills for a while, so the two surely overlap.
    let building = 0;
    target.injectFault({
      when: (sql) => TEMP_CREATE.test(sql),
      at: "after-forward",
      action: {
        run: async (sql) => {
          const temp = /"public"\."([^"]+)"/.exec(sql)?.[1] as string;
          building = (await stage.relations())[temp] as number;
          await target.simulateBackfill(building, "10%");
          setTimeout(() => void target.simulateBackfill(building, undefined), 2_500);
        },
      },
    });
    target.clearStatements();
    const [one, two] = await Promise.all(
      ["9000000011", "9000000012"].map((runId) =>
        stage.deploy({}, base, { env: { GITHUB_RUN_ID: runId } }),
      ),
    );
    const results = [one, two].map((result) => result?.exitCode);
    expect(results.sort()).toEqual([0, 1]);
    const [winner, loser] = one?.exitCode === 0 ? [one, two] : [two, one];
    const winnerRun = winner === one ? "9000000011" : "9000000012";
    expect(errorsOf(loser!).join("\n")).toMatch(
      new RegExp(
        `Another deploy is running against this database: the deploy lock "public"\\."rw_zero_downtime_deploy_lock" was taken by acme/\\S+ run ${winnerRun} attempt 1 .* ago\\)\\. Nothing was done \\(no DDL\\)\\.`,
      ),
    );
    expect(loser!.log).not.toMatch(/^(\[\w+\] )?> (CREATE MATERIALIZED|ALTER|DROP MATERIALIZED)/m);
    expect(changes(target.statements()).filter((sql) => TEMP_CREATE.test(sql))).toHaveLength(1);
    const after = await stage.relations();
    expect(after.kinds).toBe(building);
    expect(after.kinds).not.toBe(before.kinds);
    expect(Object.keys(after).filter((name) => name.includes("deploy_lock"))).toEqual([]);
  });

  it("a lock older than stale-lock-after is released with its holder and age; a fresh one is respected until stale-lock-after: 0", async () => {
    const { base } = await changed();
    await leaveLock("acme/shop run 1 (killed)", 7 * 3_600_000);
    const stale = await stage.deploy({}, base);
    expect(stale.exitCode, stale.log).toBe(0);
    expect(warningsOf(stale).join("\n")).toMatch(
      /Releasing the deploy lock taken by acme\/shop run 1 \(killed\) at \S+ \(7\.0 h ago\): it is older than stale-lock-after \(7\.0 h\)\./,
    );

    await leaveLock("acme/shop run 2", 60_000, "9000000042", "1");
    stage.repo.commit(
      { "models/kinds.sql": KINDS(", max(id) as last_id, min(id) as first_id") },
      "v3",
    );
    const v2 = stage.repo.revParse("HEAD~1");
    stage.target.clearStatements();
    const held = await stage.deploy({}, v2);
    expect(held.exitCode).toBe(1);
    expect(errorsOf(held).join("\n")).toMatch(
      /taken by acme\/shop run 2 at \S+ \(6\ds ago\)\. Nothing was done \(no DDL\)\. If that run is no longer running, rerun with stale-lock-after: 0 to release it, or drop it: DROP VIEW "public"\."rw_zero_downtime_deploy_lock";/,
    );
    expect(changes(stage.target.statements())).toEqual([]);
    const released = await stage.deploy({ "stale-lock-after": "0" }, v2);
    expect(released.exitCode, released.log).toBe(0);
    expect(Object.keys(await stage.relations()).filter((name) => name.includes("lock"))).toEqual(
      [],
    );
  });

  it("a colleague replaces the live MV while ours is built: the id check stops before the SWAP", async () => {
    const { base, before } = await changed();
    const { target } = stage;
    let theirs = 0;
    target.injectFault({
      when: (sql) => /^CREATE INDEX "__dbt_index_kinds_dbt_zero_down_tmp_/.test(sql),
      at: "after-forward",
      action: {
        run: async () => {
          await target.query(
            "ALTER MATERIALIZED VIEW public.kinds RENAME TO kinds_by_colleague_old",
          );
          await target.query(
            "CREATE MATERIALIZED VIEW public.kinds AS SELECT 'colleague' AS kind, 0 AS n",
          );
          theirs = (await stage.relations()).kinds as number;
        },
      },
    });
    target.clearStatements();
    const result = await stage.deploy({}, base);
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).join("\n")).toContain(
      `public.kinds changed since the plan (id ${before.kinds} then, id ${theirs} now): another deploy or a colleague replaced it, so it was not swapped`,
    );
    expect(changes(target.statements()).some((sql) => sql.includes(" SWAP WITH "))).toBe(false);
    const after = await stage.relations();
    expect(after.kinds).toBe(theirs);
    expect(after.kinds_by_colleague_old).toBe(before.kinds);
    expect(await target.query("SELECT kind FROM public.kinds")).toEqual([{ kind: "colleague" }]);
    // Only what this run built was removed.
    expect(Object.keys(after).filter((name) => name.includes("_tmp_"))).toEqual([]);
  });
});
