// A model with backfill_order built on its upstream's temporary MV, through dist/index.js: the
// staged CREATE scans the temp, so its edges must name the temp. On the stand-in the server
// reports 2.7.0, where RisingWave refuses an edge naming a relation the query does not scan.
import { afterEach, describe, expect, it } from "vitest";
import { openStage, planOf, type Stage } from "../attacks/stage.js";
import { orders, ZERO_DOWNTIME } from "./chain.js";

const joined = (version: string) =>
  "{{ config(backfill_order=['public.events -> public.orders']) }}\n" +
  `select o.id, o.version, e.amount, '${version}'::varchar as own from {{ ref('orders') }} o ` +
  "join {{ source('app', 'events') }} e using (id)\n";

describe("backfill_order of a model staged on its upstream's temp", () => {
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.close();
    stage = undefined;
  });

  it("names the upstream's temp, so the staged CREATE is accepted and both swap", async () => {
    stage = await openStage({
      "models/orders.sql": orders("v1"),
      "models/joined.sql": joined("v1"),
    });
    const { target, repo } = stage;
    if (target.kind === "standin") await target.setReportedVersion("2.7.0");
    const first = await stage.deploy({ models: "all", ...ZERO_DOWNTIME });
    expect(first.exitCode, first.log).toBe(0);
    const before = await stage.relations();
    const base = repo.revParse();
    repo.commit({ "models/orders.sql": orders("v2") }, "orders v2");

    const result = await stage.deploy(ZERO_DOWNTIME, base);

    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.swapped ?? "[]")).toEqual(["public.orders", "public.joined"]);
    const plan = planOf(result);
    const ordersTemp = plan.models.find((m) => m.model === "orders")?.tempRelation as string;
    const create = plan.models
      .find((m) => m.model === "joined")
      ?.statements.find((sql) => sql.startsWith("CREATE MATERIALIZED VIEW"));
    const temp = `"public"."${ordersTemp.split(".")[1]}"`;
    expect(create).toContain(`FIXED("public"."events" -> ${temp})`);
    expect(create).toContain(`from ${temp} o join`);
    const after = await stage.relations();
    expect(after.orders).not.toBe(before.orders);
    expect(after.joined).not.toBe(before.joined);
    const versions = await target.query<{ version: string }>(
      "SELECT DISTINCT version FROM public.joined",
    );
    expect(versions.map((row) => row.version)).toEqual(["v2"]);
  });
});
