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

  it("hands the index names back: the restored version has its own, the rolled-back one the retired names", async () => {
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
    const onV2 = await stage.indexes();
    expect(onV2.__dbt_index_orders_kind).toBe("orders");
    expect(onV2.orders_by_amount).toBe("orders");

    const result = await stage.deploy({ mode: "rollback", models: "orders" });

    expect(result.exitCode, result.log).toBe(0);
    expect((await chainIds(stage)).orders).toBe(v1.orders);
    const after = await stage.indexes();
    expect(after.__dbt_index_orders_kind).toBe("orders");
    expect(after.orders_by_amount).toBe("orders");
    const onTemp = Object.entries(after)
      .filter(([, relation]) => relation === temp)
      .map(([name]) => name)
      .sort();
    expect(onTemp).toEqual([`__dbt_retired_index_${temp}_1`, `__dbt_retired_index_${temp}_2`]);
    expect(Object.keys(after).some((name) => name.startsWith("__dbt_swapping_index_"))).toBe(false);
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
