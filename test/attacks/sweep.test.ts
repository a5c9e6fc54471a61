// Issue 11 item 4, as the attack: a cleanup sweep (older-than 0, the default) while a temporary
// MV is still being built (by dbt-risingwave, or by a deploy of ours), and a sweep by a user who
// cannot see what reads a temp MV. DROP of an MV still being created cancels its job.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { runAction, scheduleEvent } from "../support/action-runner/index.js";
import { errorsOf, openStage, type Stage } from "./stage.js";

const KINDS = (extra: string) =>
  `{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n${extra} from {{ source('app', 'events') }} group by kind`;

describe("a sweep never cancels a build, and never calls a hidden reader nothing", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  const sweep = (env: Record<string, string> = {}, url = stage.target.url) =>
    runAction({
      repo: stage.repo,
      inputs: { mode: "cleanup", "database-url": url },
      event: scheduleEvent(),
      env: { GITHUB_RUN_ID: "9000000099", ...env },
    });

  it("leaves a temp MV still being created (dbt-risingwave's name form) and drops it once built", async (context) => {
    stage = await openStage({ "models/kinds.sql": KINDS("") });
    if (stage.target.kind !== "standin")
      context.skip("only the stand-in can hold a job in progress");
    const { target } = stage;
    const name = "kinds_dbt_zero_down_tmp_20240101T000000+0000";
    await target.query(
      `CREATE MATERIALIZED VIEW public."${name}" AS SELECT kind FROM public.events`,
    );
    const id = (await stage.relations())[name] as number;
    await target.simulateBackfill(id, "37.5%");

    const during = await sweep();
    expect(during.exitCode, during.log).toBe(0);
    expect((await stage.relations())[name]).toBe(id);
    expect(
      await target.query("SELECT progress FROM rw_catalog.rw_ddl_progress WHERE ddl_id = $1", [id]),
    ).toEqual([{ progress: "37.5%" }]);
    expect(JSON.parse(during.outputs["dropped-temp-mvs"] ?? "[]")).toEqual([]);
    expect(during.log).toContain(
      `Preserving "public"."${name}": still being created by a background job (37.5%): a DROP would cancel its build`,
    );

    await target.simulateBackfill(id, undefined);
    const after = await sweep();
    expect(JSON.parse(after.outputs["dropped-temp-mvs"] ?? "[]")).toEqual([`public.${name}`]);
    expect((await stage.relations())[name]).toBeUndefined();
  });

  it("a sweep started during a deploy's backfill is refused by the deploy lock; the deploy completes", async (context) => {
    stage = await openStage({ "models/kinds.sql": KINDS("") });
    if (stage.target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    const { target, repo } = stage;
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const base = repo.revParse();
    repo.commit({ "models/kinds.sql": KINDS(", max(id) as last_id") }, "last_id");
    let building: number | undefined;
    const backfilling = target.injectFault({
      when: (sql) => /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/.test(sql),
      at: "after-forward",
      action: {
        run: async (sql) => {
          const temp = /"public"\."([^"]+)"/.exec(sql)?.[1] as string;
          building = (await stage.relations())[temp];
          await target.simulateBackfill(building as number, "50%");
        },
      },
    });
    const deploying = stage.deploy({}, base, { env: { GITHUB_RUN_ID: "9000000001" } });
    await backfilling.fired;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const swept = await sweep();
    const stillThere = (await stage.relations()).kinds;
    await target.simulateBackfill(building as number, undefined);
    const deployed = await deploying;

    expect(swept.exitCode).toBe(1);
    expect(errorsOf(swept).join("\n")).toMatch(
      /Another deploy is running against this database: the deploy lock "public"\."rw_zero_downtime_deploy_lock" was taken by acme\/\S+ run 9000000001 attempt 1 .* ago\)\. Nothing was done \(no DDL\)\./,
    );
    expect(stillThere).toBeDefined();
    expect(deployed.exitCode, deployed.log).toBe(0);
    expect(JSON.parse(deployed.outputs.swapped ?? "[]")).toEqual(["public.kinds"]);
    expect((await stage.relations()).kinds).toBe(building);
  });

  it("a reader the sweeping user cannot see (2.7+ catalogs) keeps the temp MV and is reported as hidden", async (context) => {
    stage = await openStage({ "models/kinds.sql": KINDS("") });
    if (stage.target.kind !== "standin") context.skip("the stand-in's version is set per database");
    const { target } = stage;
    await target.setReportedVersion("2.7.0");
    const sweeper = `sweeper_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(9).toString("hex");
    const temp = "kinds_dbt_zero_down_tmp_20240101T000000_000000Z";
    for (const sql of [
      `CREATE USER ${sweeper} PASSWORD '${password}'`,
      `GRANT CREATE ON SCHEMA public TO ${sweeper}`,
      `GRANT SELECT ON public.events TO ${sweeper}`,
      `SET ROLE ${sweeper}`,
    ]) {
      await target.query(sql);
    }
    await target.query("RESET ROLE");
    const asSweeper = target.urlFor(sweeper, password);
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: asSweeper });
    await client.connect();
    await client.query(
      `CREATE MATERIALIZED VIEW public."${temp}" AS SELECT kind FROM public.events`,
    );
    await client.end();
    await target.query("CREATE SCHEMA finance");
    await target.query(
      `CREATE MATERIALIZED VIEW finance.report AS SELECT kind FROM public."${temp}"`,
    );
    const id = (await stage.relations())[temp];

    const result = await sweep({}, asSweeper);
    expect(result.exitCode, result.log).toBe(0);
    expect((await stage.relations())[temp]).toBe(id);
    expect(JSON.parse(result.outputs["dropped-temp-mvs"] ?? "[]")).toEqual([]);
    expect(result.log).toMatch(/read by object #\d+ \(hidden from this user\)/);
    expect(result.log).not.toContain("nothing reads it");
  });
});
