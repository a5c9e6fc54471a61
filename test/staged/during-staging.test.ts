// Issue 12, attacks while the chain is being built beside production (the stand-in makes each
// temp backfill for a while): the deploy lock holds for the whole run, a killed run leaves
// production untouched, and a target replaced meanwhile stops the cut-over before any SWAP.
import { afterEach, describe, expect, it } from "vitest";
import { errorsOf, type Stage } from "../attacks/stage.js";
import { slowBackfills } from "../support/risingwave/slow-backfill.js";
import { chainIds, deployedChain, orders, tempNames, ZERO_DOWNTIME } from "./chain.js";

const json = (text: string | undefined) => JSON.parse(text ?? "[]") as unknown;
const RUN = { GITHUB_RUN_ID: "9000000012", GITHUB_RUN_ATTEMPT: "1" };

/** Resolves once the CREATE of the temp of `model` has reached the server. */
function createOf(stage: Stage, model: string): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (
        stage.target
          .statements()
          .some((sql) =>
            sql.startsWith(`CREATE MATERIALIZED VIEW "public"."${model}_dbt_zero_down_tmp_`),
          )
      ) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

describe("while a deploy stages the chain", () => {
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.close();
    stage = undefined;
  });

  it("a second deploy and a cleanup sweep are refused by the deploy lock; the staging temps survive", async (context) => {
    const deployed = await deployedChain();
    stage = deployed.stage;
    if (stage.target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    stage.repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");
    const backfills = slowBackfills(stage.target, 2_500, (name) => name.includes("_tmp_"));
    const first = stage.deploy(ZERO_DOWNTIME, deployed.base, { env: RUN });
    await createOf(stage, "customer_totals");
    const staging = await tempNames(stage);

    const second = await stage.deploy(ZERO_DOWNTIME, deployed.base);
    const sweep = await stage.deploy({ mode: "cleanup" });
    const stillStaging = await tempNames(stage);
    const done = await first;
    backfills.remove();

    expect(second.exitCode).toBe(1);
    expect(errorsOf(second).join("\n")).toMatch(/Another deploy is running against this database/);
    expect(sweep.exitCode).toBe(1);
    expect(errorsOf(sweep).join("\n")).toMatch(/Another deploy is running against this database/);
    expect(staging).toHaveLength(2);
    expect(stillStaging).toEqual(expect.arrayContaining(staging));
    expect(done.exitCode, done.log).toBe(0);
    expect(json(done.outputs.swapped)).toHaveLength(3);
  });

  it("SIGKILL during staging leaves production untouched; the next attempt converges and the sweep clears the leftovers", async (context) => {
    const deployed = await deployedChain();
    stage = deployed.stage;
    if (stage.target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    const before = await chainIds(stage);
    stage.repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");
    const backfills = slowBackfills(stage.target, 3_000, (name) => name.includes("_tmp_"));
    const kill = new AbortController();
    void createOf(stage, "customer_totals").then(() => kill.abort());

    const killed = await stage.deploy(ZERO_DOWNTIME, deployed.base, {
      env: RUN,
      kill: { signal: kill.signal },
    });
    backfills.remove();

    expect(killed.killed).toBe(true);
    expect(await chainIds(stage)).toEqual(before);
    expect(killed.log).not.toMatch(/SWAP WITH/);
    const leftovers = await tempNames(stage);
    expect(leftovers.length).toBeGreaterThan(0);

    const rerun = await stage.deploy(ZERO_DOWNTIME, deployed.base, {
      env: { ...RUN, GITHUB_RUN_ATTEMPT: "2" },
    });
    expect(rerun.exitCode, rerun.log).toBe(0);
    expect(json(rerun.outputs.swapped)).toHaveLength(3);
    const versions = await stage.target.query<{ version: string }>(
      "SELECT DISTINCT version FROM public.big_spenders",
    );
    expect(versions.map((row) => row.version)).toEqual(["v2"]);

    // The killed run's last temp backfills to the end as a background job would; only then may
    // a sweep drop it (one still creating is never dropped).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const sweep = await stage.deploy({ mode: "cleanup" });
    expect(sweep.exitCode, sweep.log).toBe(0);
    const remaining = await tempNames(stage);
    for (const name of leftovers) expect(remaining).not.toContain(name);
  });

  it("a colleague replacing a target during staging stops the cut-over before its first SWAP", async (context) => {
    const deployed = await deployedChain();
    stage = deployed.stage;
    const { target } = stage;
    if (target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    stage.repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");
    const backfills = slowBackfills(target, 1_000, (name) => name.includes("_tmp_"));
    void createOf(stage, "big_spenders").then(async () => {
      await target.query("DROP MATERIALIZED VIEW public.big_spenders");
      await target.query(
        "CREATE MATERIALIZED VIEW public.big_spenders AS SELECT kind, total, version FROM public.customer_totals",
      );
    });
    const before = await chainIds(stage);

    const result = await stage.deploy(ZERO_DOWNTIME, deployed.base);
    backfills.remove();

    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).join("\n")).toMatch(
      /public\.big_spenders changed since the plan \(id \d+ then, id \d+ now\)/,
    );
    expect(target.statements().filter((sql) => / SWAP WITH /.test(sql))).toEqual([]);
    const after = await chainIds(stage);
    expect(after.orders).toBe(before.orders);
    expect(after.customer_totals).toBe(before.customer_totals);
    expect(await tempNames(stage)).toEqual([]);
    expect(result.summary).toMatch(
      /The cut-over was refused before its first SWAP \(big\\_spenders\): nothing was swapped, production is as it was/,
    );
  });
});
