import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createRepo,
  runAction,
  scheduleEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

const OLD = "20250101T000000_000000Z";

function recentStamp(hoursAgo: number): string {
  const at = new Date(Date.now() - hoursAgo * 3_600_000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return (
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}_000000Z`
  );
}

describe("cleanup mode through dist/index.js", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;

  const mv = (name: string, from: string, schema = "public") =>
    target.query(`CREATE MATERIALIZED VIEW "${schema}"."${name}" AS SELECT * FROM ${from}`);
  const names = async () =>
    (
      await target.query<{ name: string }>(
        `SELECT s.name || '.' || r.name AS name FROM rw_catalog.rw_relations r
          JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
          WHERE s.name IN ('public', 'analytics') AND r.relation_type <> 'index' ORDER BY 1`,
      )
    ).map((row) => row.name);
  const cleanup = (inputs: Record<string, string> = {}) =>
    runAction({
      repo,
      inputs: { mode: "cleanup", "database-url": target.url, ...inputs },
      event: scheduleEvent(),
    });
  const json = (text: string | undefined): string[] => JSON.parse(text ?? "[]");

  beforeEach(async () => {
    target = await openRisingWaveTarget();
    await target.query("CREATE TABLE public.events (id INT, kind VARCHAR)");
    repo = createRepo({ files: { "README.md": "cleanup only\n" } });
  });
  afterEach(async () => {
    await target?.close();
    repo?.remove();
  });

  it("drains a chain of temp MVs with no live readers in one run", async () => {
    await mv(`a_dbt_zero_down_tmp_${OLD}`, "public.events");
    await mv(`b_dbt_zero_down_tmp_${OLD}`, `public."a_dbt_zero_down_tmp_${OLD}"`);
    await mv(`c_dbt_zero_down_tmp_${OLD}`, `public."b_dbt_zero_down_tmp_${OLD}"`);
    const result = await cleanup();
    expect(result.exitCode, result.log).toBe(0);
    expect(json(result.outputs["dropped-temp-mvs"]).sort()).toEqual([
      `public.a_dbt_zero_down_tmp_${OLD}`,
      `public.b_dbt_zero_down_tmp_${OLD}`,
      `public.c_dbt_zero_down_tmp_${OLD}`,
    ]);
    expect(json(result.outputs["preserved-temp-mvs"])).toEqual([]);
    expect(await names()).toEqual(["public.events"]);
    expect(target.statements().filter((sql) => /CASCADE/i.test(sql))).toEqual([]);
    expect(result.summary).toContain("Dropped 3 of 3 temporary MV(s)");
  });

  it("keeps a temp MV read by a live MV or a sink and names the reader", async () => {
    await mv(`orders_dbt_zero_down_tmp_${OLD}`, "public.events");
    await mv("dash", `public."orders_dbt_zero_down_tmp_${OLD}"`);
    await mv(`items_dbt_zero_down_tmp_20250102T000000+0000`, "public.events");
    await target.query(
      `CREATE SINK public.to_lake FROM public."items_dbt_zero_down_tmp_20250102T000000+0000" WITH (connector = 'blackhole')`,
    );
    const result = await cleanup();
    expect(result.exitCode, result.log).toBe(0);
    expect(json(result.outputs["dropped-temp-mvs"])).toEqual([]);
    expect(json(result.outputs["preserved-temp-mvs"]).sort()).toEqual([
      "public.items_dbt_zero_down_tmp_20250102T000000+0000",
      `public.orders_dbt_zero_down_tmp_${OLD}`,
    ]);
    expect(result.summary).toContain(`| \`public.orders_dbt_zero_down_tmp_${OLD}\` | \`orders\` |`);
    expect(result.summary).toContain("still read by `public.dash` (materialized view)");
    expect(result.summary).toContain("still read by `public.to_lake` (sink)");
    expect(result.log).toContain(
      `Preserving "public"."orders_dbt_zero_down_tmp_${OLD}": still read by public.dash (materialized view)`,
    );
  });

  it("keeps temp MVs younger than older-than", async () => {
    const young = `fresh_dbt_zero_down_tmp_${recentStamp(2)}`;
    await mv(young, "public.events");
    await mv(`stale_dbt_zero_down_tmp_${OLD}`, "public.events");
    const result = await cleanup({ "older-than": "24h" });
    expect(result.exitCode, result.log).toBe(0);
    expect(json(result.outputs["dropped-temp-mvs"])).toEqual([
      `public.stale_dbt_zero_down_tmp_${OLD}`,
    ]);
    expect(json(result.outputs["preserved-temp-mvs"])).toEqual([`public.${young}`]);
    expect(result.summary).toContain("younger than `older-than`");
    expect(await names()).toEqual(["public.events", `public.${young}`]);
  });

  it("drops nothing in a dry run and lists what would go", async () => {
    await mv(`a_dbt_zero_down_tmp_${OLD}`, "public.events");
    await mv(`b_dbt_zero_down_tmp_${OLD}`, `public."a_dbt_zero_down_tmp_${OLD}"`);
    target.clearStatements();
    const result = await cleanup({ "dry-run": "true" });
    expect(result.exitCode, result.log).toBe(0);
    expect(target.statements().filter((sql) => /^\s*DROP/i.test(sql))).toEqual([]);
    expect(json(result.outputs["dropped-temp-mvs"])).toEqual([]);
    expect(result.summary).toContain(
      "Dry run: nothing was dropped. 2 of 2 temporary MV(s) would be dropped.",
    );
    expect(result.summary).toContain("#### Would drop");
    expect(result.log).toContain(`Would drop: "public"."b_dbt_zero_down_tmp_${OLD}"`);
    expect(await names()).toHaveLength(3);
  });

  it("never touches look-alike names and honours the schema filter", async () => {
    await target.query(`CREATE TABLE public."orders_dbt_zero_down_tmp_${OLD}" (id INT)`);
    await target.query("CREATE TABLE public.orders_dbt_zero_down_tmp_notes (id INT)");
    await mv("orders_tmp_20250101", "public.events");
    await mv(`orders_dbt_zero_down_tmp_${OLD}x`, "public.events");
    await mv("orders_dbt_zero_down_tmp_20250101", "public.events");
    await target.query("CREATE SCHEMA analytics");
    await mv(`kinds_dbt_zero_down_tmp_${OLD}`, "public.events", "analytics");
    await mv(`other_dbt_zero_down_tmp_${OLD}`, "public.events");
    const before = await names();

    const result = await cleanup({ schema: "analytics" });
    expect(result.exitCode, result.log).toBe(0);
    expect(json(result.outputs["dropped-temp-mvs"])).toEqual([
      `analytics.kinds_dbt_zero_down_tmp_${OLD}`,
    ]);
    expect(await names()).toEqual(
      before.filter((name) => name !== `analytics.kinds_dbt_zero_down_tmp_${OLD}`),
    );

    const everywhere = await cleanup();
    expect(json(everywhere.outputs["dropped-temp-mvs"])).toEqual([
      `public.other_dbt_zero_down_tmp_${OLD}`,
    ]);
    expect(await names()).toEqual(
      before.filter(
        (name) => !name.startsWith("analytics.kinds") && !name.startsWith("public.other"),
      ),
    );
  });

  it("reports a drop that fails because a reader appeared meanwhile, and goes on", async () => {
    await mv(`a_dbt_zero_down_tmp_${OLD}`, "public.events");
    await mv(`b_dbt_zero_down_tmp_${OLD}`, "public.events");
    // Hold the DROP of a while a new reader of a is created, as a concurrent user might.
    const held = target.injectFault({
      when: (sql) => /^DROP MATERIALIZED VIEW IF EXISTS "public"."a_dbt_zero_down_tmp_/.test(sql),
      at: "before-forward",
      action: { delayMs: 600 },
    });
    const running = cleanup();
    await held.fired;
    await mv("late_reader", `public."a_dbt_zero_down_tmp_${OLD}"`);
    const result = await running;
    expect(result.exitCode, result.log).toBe(0);
    expect(json(result.outputs["dropped-temp-mvs"])).toEqual([`public.b_dbt_zero_down_tmp_${OLD}`]);
    expect(json(result.outputs["preserved-temp-mvs"])).toEqual([
      `public.a_dbt_zero_down_tmp_${OLD}`,
    ]);
    const warning = result.annotations.find((annotation) => annotation.level === "warning");
    expect(warning?.message).toContain(`Could not drop "public"."a_dbt_zero_down_tmp_${OLD}"`);
    expect(result.summary).toContain("DROP failed");
    expect(await names()).toEqual([
      "public.a_dbt_zero_down_tmp_" + OLD,
      "public.events",
      "public.late_reader",
    ]);
  });
});
