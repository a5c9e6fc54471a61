// Issue 11 item 7, as the attack: the job leaves rw_ddl_progress a moment before the frontend
// knows the MV is created (2.8+: status still 'Creating'), and a source backfill that reports
// rows, not a percentage. The SWAP must come only once RisingWave says the MV is usable.
import { afterEach, describe, expect, it } from "vitest";
import { openStage, type Stage } from "./stage.js";

const KINDS = (extra: string) =>
  `{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n${extra} from {{ source('app', 'events') }} group by kind`;

describe.each(["2.8.0", "3.0.0"])("waiting for a backfill on RisingWave %s", (version) => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  it("shows rows consumed as rows, and swaps only once the MV is Created", async (context) => {
    stage = await openStage({ "models/kinds.sql": KINDS("") });
    const { target, repo } = stage;
    if (target.kind !== "standin") context.skip("only the stand-in can hold a job in progress");
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    await target.setReportedVersion(version);
    const base = repo.revParse();
    repo.commit({ "models/kinds.sql": KINDS(", max(id) as last_id") }, "last_id");

    let temp = 0;
    const timers: NodeJS.Timeout[] = [];
    target.injectFault({
      when: (sql) => /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/.test(sql),
      at: "after-forward",
      action: {
        run: async (sql) => {
          const name = /"public"\."([^"]+)"/.exec(sql)?.[1] as string;
          temp = (await stage.relations())[name] as number;
          await target.simulateBackfill(temp, "5000 rows consumed");
          timers.push(
            setTimeout(
              () => void target.simulateBackfill(temp, "5000 rows consumed", { listed: false }),
              700,
            ),
            setTimeout(() => void target.simulateBackfill(temp, undefined), 1400),
          );
        },
      },
    });
    const statusAtSwap: string[] = [];
    target.injectFault({
      when: (sql) => sql.startsWith('ALTER MATERIALIZED VIEW "public"."kinds" SWAP WITH'),
      at: "before-forward",
      action: {
        run: async () => {
          const rows = await target.query<{ status: string }>(
            "SELECT status FROM rw_catalog.rw_materialized_views WHERE id = $1",
            [temp],
          );
          statusAtSwap.push(rows[0]?.status ?? "gone");
        },
      },
    });
    target.clearStatements();
    const result = await stage.deploy({}, base);
    timers.forEach(clearTimeout);
    expect(result.exitCode, result.log).toBe(0);
    expect(statusAtSwap).toEqual(["Created"]);
    expect(result.log).toMatch(/kinds: backfill 5,000 rows consumed \(\d+s elapsed\)/);
    expect(result.log).not.toMatch(/5000\.0%/);
    const statements = target.statements();
    const waitAt = statements.findIndex((sql) => sql.startsWith("WAIT MATERIALIZED VIEW"));
    const swapAt = statements.findIndex((sql) => sql.includes(" SWAP WITH "));
    if (version === "3.0.0") {
      expect(waitAt).toBeGreaterThan(-1);
      expect(waitAt).toBeLessThan(swapAt);
    } else {
      expect(waitAt).toBe(-1);
    }
    expect((await stage.relations()).kinds).toBe(temp);
  });
});

describe("waiting for a backfill on RisingWave 2.6 (no status column, no WAIT)", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  it("a 'not found' right after the job left rw_ddl_progress means not yet: the next statement is retried", async (context) => {
    const indexed = (extra: string) =>
      KINDS(extra).replace(
        "{'enabled': true}",
        "{'enabled': true}, indexes=[{'columns': ['kind']}]",
      );
    stage = await openStage({ "models/kinds.sql": indexed("") });
    const { target, repo } = stage;
    if (target.kind !== "standin") context.skip("only the stand-in can hold a job in progress");
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const base = repo.revParse();
    repo.commit({ "models/kinds.sql": indexed(", max(id) as last_id") }, "last_id");
    let timer: NodeJS.Timeout | undefined;
    target.injectFault({
      when: (sql) => /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/.test(sql),
      at: "after-forward",
      action: {
        run: async (sql) => {
          const name = /"public"\."([^"]+)"/.exec(sql)?.[1] as string;
          const id = (await stage.relations())[name] as number;
          // Meta is done (the job left rw_ddl_progress); this frontend does not know yet.
          await target.simulateBackfill(id, "100%", { listed: false });
          timer = setTimeout(() => void target.simulateBackfill(id, undefined), 1_000);
        },
      },
    });
    const result = await stage.deploy({}, base);
    clearTimeout(timer);
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toMatch(
      /kinds: not visible yet \(Catalog error: table not found: kinds_dbt_zero_down_tmp_\S+\); retrying\./,
    );
    expect(JSON.parse(result.outputs.swapped ?? "[]")).toEqual(["public.kinds"]);
    expect((await stage.indexes()).__dbt_index_kinds_kind).toBe("kinds");
  });
});
