// Issue 12 item 4 through dist/index.js: `mode: rollback` swaps the preserved previous versions
// back in as one unit, through the deploy's cut-over.
import { afterEach, describe, expect, it } from "vitest";
import { changes, errorsOf, type Stage } from "../attacks/stage.js";
import { startRecordingReaders } from "../e2e/readers.js";
import { pullRequestEvent } from "../support/action-runner/index.js";
import {
  chainIds,
  deployedChain,
  orders,
  tempNames,
  VERSIONS_SQL,
  ZERO_DOWNTIME,
} from "./chain.js";

const json = (text: string | undefined) => JSON.parse(text ?? "[]") as unknown;

/** The chain at v1, then at v2 with the v1 versions kept under temporary names. */
async function redeployedChain(): Promise<{
  stage: Stage;
  v1: Record<string, number | undefined>;
}> {
  const { stage, base } = await deployedChain();
  const v1 = await chainIds(stage);
  stage.repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");
  const v2 = await stage.deploy(ZERO_DOWNTIME, base);
  if (v2.exitCode !== 0) throw new Error(`v2 deploy failed:\n${v2.log}`);
  return { stage, v1 };
}

describe("mode: rollback", () => {
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.close();
    stage = undefined;
  });

  it("restores the previous ids of the whole last deploy under readers with zero failed reads", async () => {
    const redeployed = await redeployedChain();
    stage = redeployed.stage;
    const v2 = await chainIds(stage);
    const readers = startRecordingReaders(stage.target.url, VERSIONS_SQL);

    const result = await stage.deploy({ mode: "rollback" });
    const { samples, errors } = await readers.stop();

    expect(result.exitCode, result.log).toBe(0);
    expect(await chainIds(stage)).toEqual(redeployed.v1);
    expect(json(result.outputs.swapped)).toEqual([
      "public.orders",
      "public.customer_totals",
      "public.big_spenders",
    ]);
    expect(Number(result.outputs["cut-over-ms"])).toBeLessThanOrEqual(100);
    expect(errors).toEqual([]);
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.at(-1)?.values.join()).toBe("v1,v1,v1");
    // The v2 versions now carry the temporary names; a second rollback has nothing to go back to.
    const relations = await stage.relations();
    for (const name of await tempNames(stage)) {
      expect(Object.values(v2)).toContain(relations[name]);
    }
    expect(result.summary).toContain("✅ Rolled back");

    const again = await stage.deploy({ mode: "rollback" });
    expect(again.exitCode).toBe(1);
    expect(errorsOf(again).join("\n")).toMatch(/no deploy to roll back/);
    expect(await chainIds(stage)).toEqual(redeployed.v1);
  });

  /** orders with a config index and a hand-made one, deployed at v1 then v2; `temp` holds v1. */
  async function indexedRedeploy(): Promise<{
    indexedStage: Stage;
    v1: Record<string, number | undefined>;
    temp: string;
  }> {
    const indexed = (version: string) =>
      `{{ config(indexes=[{'columns': ['kind']}]) }}\n${orders(version)}`;
    const deployed = await deployedChain({ "models/orders.sql": indexed("v1") });
    stage = deployed.stage;
    await stage.target.query("CREATE INDEX orders_by_amount ON public.orders (amount)");
    const v1 = await chainIds(stage);
    stage.repo.commit({ "models/orders.sql": indexed("v2") }, "orders v2");
    const v2 = await stage.deploy(ZERO_DOWNTIME, deployed.base);
    expect(v2.exitCode, v2.log).toBe(0);
    const temp = (await tempNames(stage)).find((name) => name.startsWith("orders_")) as string;
    return { indexedStage: stage, v1, temp };
  }

  it("hands the index names back: the restored version has its own, the rolled-back one the retired names", async () => {
    const { indexedStage, v1, temp } = await indexedRedeploy();
    const onV2 = await indexedStage.indexes();
    expect(onV2.__dbt_index_orders_kind).toBe("orders");
    expect(onV2.orders_by_amount).toBe("orders");

    const result = await indexedStage.deploy({ mode: "rollback", models: "orders" });

    expect(result.exitCode, result.log).toBe(0);
    expect((await chainIds(indexedStage)).orders).toBe(v1.orders);
    const after = await indexedStage.indexes();
    expect(after.__dbt_index_orders_kind).toBe("orders");
    expect(after.orders_by_amount).toBe("orders");
    const onTemp = Object.entries(after)
      .filter(([, relation]) => relation === temp)
      .map(([name]) => name)
      .sort();
    expect(onTemp).toEqual([`__dbt_retired_index_${temp}_1`, `__dbt_retired_index_${temp}_2`]);
    expect(Object.keys(after).some((name) => name.startsWith("__dbt_swapping_index_"))).toBe(false);
  });

  it("stays rolled back when a colleague's index is in the way of a name it hands back, and says so", async () => {
    const { indexedStage, v1, temp } = await indexedRedeploy();
    // The scratch name the first hand-back goes through, taken by hand on another table.
    await indexedStage.target.query(
      `CREATE INDEX "__dbt_swapping_index_${temp}_1" ON public.events (id)`,
    );

    const result = await indexedStage.deploy({ mode: "rollback", models: "orders" });

    expect(result.exitCode, result.log).toBe(0);
    expect((await chainIds(indexedStage)).orders).toBe(v1.orders);
    expect(result.summary).toContain("its index names were not all handed back");
    expect(result.log).toContain(
      "::warning::public.orders: its index names were not all handed back",
    );
    const after = await indexedStage.indexes();
    expect(after[`__dbt_swapping_index_${temp}_1`]).toBe("events");
    // Nothing was renamed: the names stay as the deploy left them, for the next deploy to take back.
    expect(after.__dbt_index_orders_kind).toBe(temp);
    expect(after[`__dbt_retired_index_${temp}_1`]).toBe("orders");
  });

  it("is refused before any SWAP for a model whose previous version was dropped", async () => {
    const redeployed = await redeployedChain();
    stage = redeployed.stage;
    const before = await chainIds(stage);
    const leafTemp = (await tempNames(stage)).find((name) => name.startsWith("big_spenders_"));
    await stage.target.query(`DROP MATERIALIZED VIEW public."${leafTemp}"`);
    stage.target.clearStatements();

    const result = await stage.deploy({ mode: "rollback", models: "orders, big_spenders" });

    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).join("\n")).toContain(
      "public.big_spenders has no previous version to go back to: it was dropped",
    );
    expect(changes(stage.target.statements())).toEqual([]);
    expect(await chainIds(stage)).toEqual(before);
  });

  it("on a pull request is a dry run: it says what it would swap and writes nothing", async () => {
    const redeployed = await redeployedChain();
    stage = redeployed.stage;
    const before = await chainIds(stage);
    stage.target.clearStatements();
    const head = stage.repo.revParse();

    const result = await stage.deploy({ mode: "rollback", models: "customer_totals" }, undefined, {
      event: pullRequestEvent({ number: 7, baseSha: head, headSha: head }),
    });

    expect(result.exitCode, result.log).toBe(0);
    const written = stage.target
      .statements()
      .filter((sql) => !/^\s*(SELECT|SHOW|WITH)\b/i.test(sql));
    expect(written).toEqual([]);
    expect(json(result.outputs.swapped)).toEqual([]);
    expect(result.summary).toContain("Rollback plan");
    expect(result.summary).toMatch(
      /`public.customer_totals` \| `public.customer_totals_dbt_zero_down_tmp_/,
    );
    // customer_totals' live version is read by big_spenders, which is not rolled back with it.
    expect(result.log).toMatch(
      /public\.big_spenders reads the version of public\.customer_totals being rolled back/,
    );
    expect(await chainIds(stage)).toEqual(before);
  });
});
