// Issue 12 items 1–3 through dist/index.js on the stand-in: the changed chain is built beside
// production (each temp on its upstream's temp), then cut over in one short window; a failure
// while staging swaps nothing.
import { afterEach, describe, expect, it } from "vitest";
import { changes, errorsOf, planOf, type Stage } from "../attacks/stage.js";
import { pullRequestEvent } from "../support/action-runner/index.js";
import { startRecordingReaders } from "../e2e/readers.js";
import { slowBackfills } from "../support/risingwave/slow-backfill.js";
import {
  bigSpenders,
  chainIds,
  deployedChain,
  orders,
  tempNames,
  VERSIONS_SQL,
  ZERO_DOWNTIME,
} from "./chain.js";

const BACKFILL_MS = 1_500;
const isSwap = (sql: string) => /^ALTER MATERIALIZED VIEW .* SWAP WITH /.test(sql);
const json = (text: string | undefined) => JSON.parse(text ?? "[]") as unknown;

describe("a changed chain deployed as one unit", () => {
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.close();
    stage = undefined;
  });

  it("readers never see mixed versions outside the cut-over window, which is at most 100 ms; staging takes seconds", async (context) => {
    const deployed = await deployedChain();
    stage = deployed.stage;
    const { target, repo } = stage;
    if (target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    const before = await chainIds(stage);
    repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");

    const backfills = slowBackfills(target, BACKFILL_MS, (name) => name.includes("_tmp_"));
    const swapsArrived: number[] = [];
    target.injectFault({
      when: isSwap,
      at: "before-forward",
      times: 3,
      action: { run: async () => void swapsArrived.push(Date.now()) },
    });
    const readers = startRecordingReaders(target.url, VERSIONS_SQL);
    const started = Date.now();
    const result = await stage.deploy(ZERO_DOWNTIME, deployed.base);
    const { samples, errors } = await readers.stop();
    backfills.remove();

    expect(result.exitCode, result.log).toBe(0);
    expect(json(result.outputs.swapped)).toEqual([
      "public.orders",
      "public.customer_totals",
      "public.big_spenders",
    ]);
    // Each temp was built on its upstream's temp, so the swapped names read each other.
    const plan = planOf(result);
    const ordersTemp = plan.models.find((m) => m.model === "orders")?.tempRelation as string;
    const totalsCreate = plan.models
      .find((m) => m.model === "customer_totals")
      ?.statements.find((sql) => sql.startsWith("CREATE MATERIALIZED VIEW"));
    expect(totalsCreate).toContain(` from "public"."${ordersTemp.split(".")[1]}" group by kind`);
    expect(backfills.built).toHaveLength(3);

    const windowMs = Number(result.outputs["cut-over-ms"]);
    expect(windowMs).toBeGreaterThan(0);
    expect(windowMs).toBeLessThanOrEqual(100);
    expect(swapsArrived).toHaveLength(3);
    const firstSwap = swapsArrived[0] as number;
    // Staging: three backfills one after the other (each reads the one before).
    expect(firstSwap - started).toBeGreaterThan(3 * BACKFILL_MS);

    expect(errors).toEqual([]);
    // The last SWAP's reply is not seen here; the reported window (measured by the client from
    // before the first SWAP) bounds it, with room for the reply's way back on a loaded machine.
    const windowEnd = Math.max(swapsArrived[2] as number, firstSwap + windowMs) + 100;
    const mixed = samples.filter((sample) => new Set(sample.values).size > 1);
    const outside = mixed.filter(
      (sample) => sample.endedAt < firstSwap || sample.startedAt > windowEnd,
    );
    expect(outside).toEqual([]);
    const versions = samples.map((sample) => sample.values.join());
    expect(versions).toContain("v1,v1,v1");
    expect(versions.at(-1)).toBe("v2,v2,v2");
    // During the staging seconds, every answer was the previous version.
    expect(
      samples.filter((s) => s.endedAt < firstSwap).every((s) => s.values.join() === "v1,v1,v1"),
    ).toBe(true);

    const after = await chainIds(stage);
    for (const name of ["orders", "customer_totals", "big_spenders"]) {
      expect(after[name]).not.toBe(before[name]);
    }
    expect(result.log).toMatch(/Cut-over: 3 SWAPs in [\d.]+ ms/);
  });

  it.each([
    ["the temps it built are dropped", {}, false],
    ["keep-failed-temps keeps them and says so", { "keep-failed-temps": "true" }, true],
  ] as const)(
    "a failing downstream model: nothing is swapped, every id unchanged; %s",
    async (_what, inputs, kept) => {
      const deployed = await deployedChain();
      stage = deployed.stage;
      const { repo } = stage;
      const before = await chainIds(stage);
      repo.commit(
        {
          "models/orders.sql": orders("v2"),
          "models/big_spenders.sql": bigSpenders("SELECT 1 / 0"),
        },
        "orders v2, big_spenders with a failing pre-hook",
      );

      const result = await stage.deploy({ ...ZERO_DOWNTIME, ...inputs }, deployed.base);

      expect(result.exitCode, result.log).toBe(1);
      expect(errorsOf(result).join("\n")).toMatch(
        /big_spenders: pre-hook failed: division by zero/,
      );
      expect(json(result.outputs.swapped)).toEqual([]);
      expect(result.outputs["cut-over-ms"]).toBe("");
      expect(await chainIds(stage)).toEqual(before);
      const temps = await tempNames(stage);
      if (kept) {
        expect(temps).toHaveLength(2);
        expect(json(result.outputs["kept-failed-temp-mvs"])).toEqual(
          expect.arrayContaining(temps.map((name) => `public.${name}`)),
        );
        expect(result.summary).toMatch(/kept \(keep-failed-temps\)/);
      } else {
        expect(temps).toEqual([]);
        expect(json(result.outputs["kept-failed-temp-mvs"])).toEqual([]);
      }
      expect(result.summary).toMatch(/nothing was swapped, production is as it was/);
      const served = await stage.target.query<{ version: string }>(
        "SELECT DISTINCT version FROM public.big_spenders",
      );
      expect(served.map((row) => row.version)).toEqual(["v1"]);
    },
  );

  it("a model that fails while an independent one backfills stops it: its temp is removed by id, nothing is swapped", async (context) => {
    const kinds = (preHook = "") =>
      (preHook ? `{{ config(pre_hook="${preHook}") }}\n` : "") +
      "select kind, count(*) as n from {{ source('app', 'events') }} group by kind\n";
    const deployed = await deployedChain({ "models/kinds.sql": kinds() });
    stage = deployed.stage;
    const { target, repo } = stage;
    if (target.kind !== "standin") context.skip("only the stand-in can slow a backfill down");
    const before = await chainIds(stage);
    const kindsId = (await stage.relations()).kinds;
    repo.commit(
      { "models/orders.sql": orders("v2"), "models/kinds.sql": kinds("SELECT 1 / 0") },
      "orders v2, kinds with a failing pre-hook",
    );
    const backfills = slowBackfills(target, 4_000, (name) => name.includes("_tmp_"));
    // kinds fails only once orders' temp is being built beside it.
    target.injectFault({
      when: (sql) => sql === "SELECT 1 / 0",
      at: "before-forward",
      action: {
        run: async () => {
          while (!backfills.built.some((name) => name.startsWith("orders_"))) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      },
    });

    const result = await stage.deploy({ ...ZERO_DOWNTIME, "max-parallel": "2" }, deployed.base);
    backfills.remove();

    expect(result.exitCode, result.log).toBe(1);
    expect(backfills.built.some((name) => name.startsWith("orders_"))).toBe(true);
    // orders was stopped in its backfill wait, which had learnt its temp's id: dropped by it.
    expect(result.log).toMatch(
      /\[orders\] > CREATE MATERIALIZED VIEW "public"\."orders_dbt_zero_down_tmp_[^\n]*\n(.*\n)*> DROP MATERIALIZED VIEW IF EXISTS "public"\."orders_dbt_zero_down_tmp_/,
    );
    expect(errorsOf(result).join("\n")).toMatch(/kinds: pre-hook failed: division by zero/);
    expect(await chainIds(stage)).toEqual(before);
    expect((await stage.relations()).kinds).toBe(kindsId);
    expect(await tempNames(stage)).toEqual([]);
  });

  it("a failure while staging says which in-place changes it did apply: the index is there, the MV's id unchanged", async () => {
    const kinds = (config = "") =>
      config + "select kind, count(*) as n from {{ source('app', 'events') }} group by kind\n";
    const deployed = await deployedChain({ "models/kinds.sql": kinds() });
    stage = deployed.stage;
    const { repo } = stage;
    const before = await chainIds(stage);
    const kindsId = (await stage.relations()).kinds;
    repo.commit(
      {
        "models/kinds.sql": kinds("{{ config(indexes=[{'columns': ['kind']}]) }}\n"),
        "models/orders.sql": orders("v2"),
        "models/big_spenders.sql": bigSpenders("SELECT 1 / 0"),
      },
      "an index on kinds; orders v2, big_spenders with a failing pre-hook",
    );

    const result = await stage.deploy(ZERO_DOWNTIME, deployed.base);

    expect(result.exitCode, result.log).toBe(1);
    expect(json(result.outputs.swapped)).toEqual([]);
    expect(await chainIds(stage)).toEqual(before);
    expect((await stage.relations()).kinds).toBe(kindsId);
    const indexes = await stage.target.query<{ name: string }>(
      "SELECT i.name FROM rw_catalog.rw_indexes i JOIN rw_catalog.rw_materialized_views m ON m.id = i.primary_table_id WHERE m.name = 'kinds'",
    );
    expect(indexes).toHaveLength(1);
    expect(result.summary).toMatch(
      /nothing was swapped, production is as it was but for the indexes, grants and comments applied in place to public\.kinds/,
    );
  });

  it("a pull request's dry run shows the SQL that will run (on the upstream's temp), validates it, and writes nothing", async () => {
    const deployed = await deployedChain();
    stage = deployed.stage;
    const { target, repo } = stage;
    repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");
    target.clearStatements();

    const result = await stage.deploy(ZERO_DOWNTIME, undefined, {
      event: pullRequestEvent({ number: 12, baseSha: deployed.base, headSha: repo.revParse() }),
    });

    expect(result.exitCode, result.log).toBe(0);
    expect(changes(target.statements())).toEqual([]);
    const plan = planOf(result);
    const ordersTemp = (plan.models.find((m) => m.model === "orders")?.tempRelation ?? "").split(
      ".",
    )[1];
    const totalsCreate = plan.models
      .find((m) => m.model === "customer_totals")
      ?.statements.find((sql) => sql.startsWith("CREATE MATERIALIZED VIEW"));
    expect(totalsCreate).toContain(`from "public"."${ordersTemp}" group by kind`);
    expect(result.summary).toContain(`from "public"."${ordersTemp}" group by kind`);
    // Checked with EXPLAIN on the live names, as the temp does not exist before the deploy.
    expect(result.log).toMatch(/customer_totals: the new definition is valid \(EXPLAIN\)/);
  });

  it("a connection lost during the cut-over is reported model by model with what is live", async () => {
    const deployed = await deployedChain();
    stage = deployed.stage;
    const { target, repo } = stage;
    repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");
    target.injectFault({
      when: (sql) => /^ALTER MATERIALIZED VIEW "public"\."customer_totals" SWAP WITH /.test(sql),
      at: "before-forward",
      action: "kill-connection",
    });

    const result = await stage.deploy(ZERO_DOWNTIME, deployed.base);

    expect(result.exitCode).toBe(1);
    expect(json(result.outputs.swapped)).toEqual(["public.orders"]);
    expect(errorsOf(result).join("\n")).toMatch(
      /customer_totals: swap failed: Connection terminated unexpectedly \(the connection was lost during swap: public\.customer_totals serves a complete MV, either the previous or the new version/,
    );
    expect(result.summary).toMatch(
      /`big_spenders` \| swap \| downstream of `customer_totals` \| ⏭️ not attempted/,
    );
    const versions = await target.query<Record<string, string>>(VERSIONS_SQL);
    expect(versions[0]).toEqual({ orders: "v2", customer_totals: "v1", big_spenders: "v1" });
  });
});
