// Issue 12 item 8 through dist/index.js: a sink and a subscription that read a swapped MV get the
// exact statements that move them to the new version, the temporary MV they keep is named, and
// the sink's connector options (a password among them) reach no log, summary or output. The
// statements, their placeholders filled in, do move both on the stand-in.
import { selectAll } from "hast-util-select";
import { toText } from "hast-util-to-text";
import { afterEach, describe, expect, it } from "vitest";
import { openStage, planOf, type Stage } from "../attacks/stage.js";
import { pullRequestEvent } from "../support/action-runner/index.js";
import { startGitHubApi } from "../support/github-api/index.js";
import { renderGfm } from "../support/gfm/render.js";

const KINDS_V1 =
  "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n from {{ source('app', 'events') }} group by kind";
const KINDS_V2 =
  "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n, max(id) as last_id from {{ source('app', 'events') }} group by kind";

const SECRET = "s3cr3t-Sink-Passw0rd";
const SINK_OPTIONS = `connector = 'jdbc', jdbc.url = 'jdbc:postgresql://warehouse:5432/dw', user = 'loader', password = '${SECRET}', table.name = 'kinds', type = 'upsert', primary_key = 'kind'`;

describe("sinks and subscriptions reading a swapped MV", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  /** A JDBC sink with a password needs a reachable database on real RisingWave: stand-in only. */
  async function withReaders(context: { skip: () => void }): Promise<string> {
    stage = await openStage({ "models/kinds.sql": KINDS_V1 });
    if (stage.target.kind !== "standin") context.skip();
    const first = await stage.deploy({ models: "all" });
    expect(first.exitCode, first.log).toBe(0);
    await stage.target.query(
      `CREATE SINK public.kinds_out FROM public.kinds WITH (${SINK_OPTIONS})`,
    );
    await stage.target.query(
      "CREATE SUBSCRIPTION public.kinds_sub FROM public.kinds WITH (retention = '1D')",
    );
    const base = stage.repo.revParse();
    stage.repo.commit({ "models/kinds.sql": KINDS_V2 }, "kinds: last_id");
    return base;
  }

  const statementsIn = (summary: string) =>
    [...summary.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) =>
      (match[1] as string).replace(/^ {2}/gm, ""),
    );

  it("gives each the statements that move it and the temp that stays; the sink's password is never shown", async (context) => {
    const base = await withReaders(context);
    const { target } = stage;
    const result = await stage.deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    const temp = planOf(result).models[0]?.tempRelation?.split(".")[1] as string;

    for (const text of [result.log, result.summary, JSON.stringify(result.outputs)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("warehouse:5432");
    }
    expect(result.summary).toContain(
      "⚠️ 1 sink keeps the previous version · ⚠️ 1 subscription keeps the previous version",
    );
    const blocks = statementsIn(result.summary);
    const sinkBlock = blocks.find((block) => block.includes("ALTER SINK")) ?? "";
    expect(sinkBlock).toBe(
      [
        `CREATE SINK "public"."kinds_out_moved" FROM "public"."kinds"`,
        `  WITH (<the WITH options of "public"."kinds_out">, snapshot = 'false');`,
        `ALTER SINK "public"."kinds_out" SWAP WITH "public"."kinds_out_moved";`,
        `DROP SINK "public"."kinds_out_moved";`,
        `DROP MATERIALIZED VIEW IF EXISTS "public"."${temp}";`,
        "",
      ].join("\n"),
    );
    const subscriptionBlock = blocks.find((block) => block.includes("ALTER SUBSCRIPTION")) ?? "";
    expect(subscriptionBlock).toBe(
      [
        `CREATE SUBSCRIPTION "public"."kinds_sub_moved" FROM "public"."kinds" WITH (retention = '1D');`,
        `ALTER SUBSCRIPTION "public"."kinds_sub" SWAP WITH "public"."kinds_sub_moved";`,
        `DROP SUBSCRIPTION "public"."kinds_sub_moved";`,
        `DROP MATERIALIZED VIEW IF EXISTS "public"."${temp}";`,
        "",
      ].join("\n"),
    );
    expect(result.summary).toContain(`\`public.${temp}\` stays until it is moved`);
    expect(result.summary).toContain("upsert sink");
    // What the move does comes as points of the item, a list under its text as GitHub renders it.
    const sinkItem = selectAll("li", renderGfm(result.summary)).find((li) =>
      toText(li).includes("sink public.kinds_out reads the previous"),
    );
    const points = sinkItem ? selectAll("ul > li", sinkItem).map((li) => toText(li)) : [];
    expect(points).toHaveLength(4);
    expect(points[0]).toMatch(/^After the swap "public"\."kinds_out_moved" is the old sink/);
    expect(points[1]).toContain("it is an upsert sink");
    // This server (2.6) has no REPLACE SINK, so it is not offered.
    expect(result.summary).not.toContain("REPLACE SINK");

    // Both still read the previous version; the statements, filled in, move them.
    const readerOf = async (name: string) =>
      (
        await target.query<{ refobjid: number }>(
          `SELECT d.refobjid FROM rw_catalog.rw_depend d
             JOIN rw_catalog.rw_relations r ON r.id = d.objid WHERE r.name = $1`,
          [name],
        )
      ).map((row) => Number(row.refobjid));
    const ids = await stage.relations();
    expect(await readerOf("kinds_out")).toEqual([ids[temp]]);
    expect(await readerOf("kinds_sub")).toEqual([ids[temp]]);
    const filled = [...sinkBlock.split(";\n"), ...subscriptionBlock.split(";\n")]
      .map((sql) => sql.trim())
      .filter((sql) => sql !== "" && !sql.startsWith("DROP MATERIALIZED VIEW"))
      .map((sql) => sql.replace(/<the WITH options of [^>]+>/, SINK_OPTIONS));
    for (const sql of [...filled, `DROP MATERIALIZED VIEW IF EXISTS "public"."${temp}"`]) {
      await target.query(sql);
    }
    const moved = await stage.relations();
    expect(await readerOf("kinds_out")).toEqual([moved.kinds]);
    expect(await readerOf("kinds_sub")).toEqual([moved.kinds]);
    expect(moved[temp]).toBeUndefined();
    expect(moved.kinds_out_moved).toBeUndefined();
  });

  it("the pull request comment has the sink's statements and none of its options", async (context) => {
    const base = await withReaders(context);
    const api = await startGitHubApi();
    try {
      const head = stage.repo.revParse();
      api.addPull({ number: 3, baseSha: base, headSha: head });
      const result = await stage.deploy({ comment: "true" }, undefined, {
        api,
        event: pullRequestEvent({ number: 3, baseSha: base, headSha: head }),
      });
      expect(result.exitCode, result.log).toBe(0);
      expect(api.state.comments).toHaveLength(1);
      const body = api.state.comments[0]!.body;
      expect(body).toContain(
        `ALTER SINK "public"."kinds_out" SWAP WITH "public"."kinds_out_moved";`,
      );
      expect(body).toContain(`ALTER SUBSCRIPTION "public"."kinds_sub" SWAP WITH`);
      for (const text of [body, result.log, result.summary, JSON.stringify(result.outputs)]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain("warehouse:5432");
      }
    } finally {
      await api.close();
    }
  });

  it("offers REPLACE SINK where the server has it (3.1+), and a dry run shows the same plan", async (context) => {
    const base = await withReaders(context);
    await stage.target.setReportedVersion("3.1.0");
    const result = await stage.deploy({ "dry-run": "true" }, base);
    expect(result.exitCode, result.log).toBe(0);
    expect(result.summary).not.toContain(SECRET);
    expect(result.summary).toContain(
      '`REPLACE SINK "public"."kinds_out" FROM "public"."kinds" WITH (<the WITH options of "public"."kinds_out">)`',
    );
    expect(result.summary).toContain(`ALTER SINK "public"."kinds_out" SWAP WITH`);
    const ids = await stage.relations();
    expect(Object.keys(ids).filter((name) => name.includes("_dbt_zero_down_tmp_"))).toEqual([]);
  });
});
