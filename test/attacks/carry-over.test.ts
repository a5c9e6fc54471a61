// Issue 11 item 3, as the attack: a role granted SELECT by hand reads the MV while it is swapped;
// a hand-made index, comments and another owner are on the live MV. Grants, comments, owner and
// indexes stay with the object id on SWAP, so the new version must get them before the swap.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startReaders } from "../e2e/readers.js";
import { HARNESS_APPLICATION_NAME } from "../support/risingwave/target.js";
import { openStage, planOf, type Stage } from "./stage.js";

const model = (extra: string) =>
  `{{ config(zero_downtime={'enabled': True, 'immediate_cleanup': True}, indexes=[{'columns': ['kind']}]) }}
select kind, count(*) as n, sum(amount) as total${extra} from {{ source('app', 'events') }} group by kind`;

describe("what the live MV has beyond the dbt config, through a swap", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  it("a hand-granted role reads through the swap; index, comments and owner carry over; immediate cleanup loses none", async () => {
    stage = await openStage({ "models/kinds.sql": model("") });
    const { target, repo } = stage;
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const suffix = randomBytes(4).toString("hex");
    const [reader, owner] = [`bi_reader_${suffix}`, `alice_${suffix}`];
    const password = randomBytes(9).toString("hex");
    for (const sql of [
      `CREATE USER ${reader} PASSWORD '${password}'`,
      `CREATE USER ${owner}`,
      `GRANT CREATE ON SCHEMA public TO ${owner}`,
      `GRANT SELECT ON MATERIALIZED VIEW public.kinds TO ${reader}`,
      "CREATE INDEX kinds_total_idx ON public.kinds (total)",
      "COMMENT ON TABLE public.kinds IS 'Kinds, for finance'",
      "COMMENT ON COLUMN public.kinds.total IS 'Sum of amounts'",
      `ALTER MATERIALIZED VIEW public.kinds OWNER TO ${owner}`,
    ]) {
      await target.query(sql);
    }
    const before = await stage.relations();
    const base = repo.revParse();
    repo.commit({ "models/kinds.sql": model(", max(id) as last_id") }, "last_id");

    const readers = startReaders(
      target.urlFor(reader, password),
      "SELECT kind, n FROM public.kinds",
      2,
    );
    const result = await stage.deploy({}, base);
    const stats = await readers.stop();
    expect(result.exitCode, result.log).toBe(0);
    expect(stats.errors).toEqual([]);
    expect(stats.reads).toBeGreaterThan(0);

    const after = await stage.relations();
    expect(after.kinds).not.toBe(before.kinds);
    expect(Object.keys(after).filter((name) => name.includes("_tmp_"))).toEqual([]);
    expect(await stage.canSelect(reader, "public.kinds")).toBe(true);
    const asReader = new pg.Client({
      connectionString: target.urlFor(reader, password),
      application_name: HARNESS_APPLICATION_NAME,
    });
    await asReader.connect();
    try {
      const rows = await asReader.query("SELECT kind, last_id FROM public.kinds ORDER BY kind");
      expect(rows.rows).toEqual([
        { kind: "a", last_id: 1 },
        { kind: "b", last_id: 3 },
      ]);
    } finally {
      await asReader.end();
    }
    expect(await stage.indexes()).toEqual({
      __dbt_index_kinds_kind: "kinds",
      kinds_total_idx: "kinds",
    });
    const [comments] = await target.query<{ relation: string; total: string }>(
      `SELECT obj_description('public.kinds'::regclass, 'pg_class') AS relation,
              col_description('public.kinds'::regclass, 3) AS total`,
    );
    expect(comments).toEqual({ relation: "Kinds, for finance", total: "Sum of amounts" });
    const [ownerRow] = await target.query<{ name: string }>(
      `SELECT u.name FROM rw_catalog.rw_materialized_views m JOIN rw_catalog.rw_users u ON u.id = m.owner
        WHERE m.id = $1`,
      [after.kinds],
    );
    expect(ownerRow?.name).toBe(owner);
    if (target.kind === "standin") {
      // PostgreSQL's planner, told to avoid scans: the hand-made index serves the new version.
      const planner = new pg.Client({
        connectionString: target.url,
        application_name: HARNESS_APPLICATION_NAME,
      });
      await planner.connect();
      try {
        await planner.query("SET enable_seqscan = off");
        const plan = await planner.query("EXPLAIN SELECT kind FROM public.kinds WHERE total = 50");
        expect(JSON.stringify(plan.rows)).toContain("kinds_total_idx");
      } finally {
        await planner.end();
      }
    }

    const carried = planOf(result).models[0]?.carriedOver ?? [];
    expect(carried.map((item) => item.kind).sort()).toEqual([
      "comment",
      "comment",
      "grant",
      "index",
      "owner",
    ]);
    expect(carried).toContainEqual({ kind: "grant", detail: `SELECT to ${reader}` });
    expect(carried).toContainEqual({ kind: "owner", detail: owner });
    expect(result.summary).toContain("Carried over from the live MVs");
  });
});
