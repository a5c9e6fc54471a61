// Issue 11 item 1, as the attack: a colleague (or another deploy, or `dbt run`) creates the very
// name this run is about to create, in the window between the catalog read and our CREATE. Our
// CREATE fails with "already exists"; nothing of theirs may be dropped.
import { afterEach, describe, expect, it } from "vitest";
import { changes, errorsOf, openStage, planOf, type Stage } from "./stage.js";

const KINDS_V1 =
  "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n from {{ source('app', 'events') }} group by kind";
const KINDS_V2 =
  "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n, max(id) as last_id from {{ source('app', 'events') }} group by kind";

describe("an object made by someone else under the name this run creates", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  it("a colleague creates the new model's MV just before our CREATE: theirs stays, nothing is dropped", async () => {
    stage = await openStage({
      "models/legacy_counts.sql": "select count(*) as n from {{ source('app', 'events') }}",
    });
    const { target } = stage;
    const raced = target.injectFault({
      when: (sql) => sql.startsWith('CREATE MATERIALIZED VIEW "public"."legacy_counts"'),
      at: "before-forward",
      action: {
        run: async () =>
          void (await target.query(
            "CREATE MATERIALIZED VIEW public.legacy_counts AS SELECT 42 AS n, 'colleague' AS who",
          )),
      },
    });
    target.clearStatements();
    const result = await stage.deploy({ models: "all" });
    expect(raced.hits).toBe(1);
    expect(result.exitCode).toBe(1);
    const theirs = (await stage.relations()).legacy_counts;
    expect(theirs).toBeDefined();
    expect(await target.query("SELECT n, who FROM public.legacy_counts")).toEqual([
      { n: 42, who: "colleague" },
    ]);
    expect(changes(target.statements()).filter((sql) => sql.startsWith("DROP"))).toEqual([]);
    expect(errorsOf(result).join("\n")).toMatch(
      /"public"\."legacy_counts" already existed \(another deploy, a colleague or dbt made it\) and was left alone/,
    );
    expect(JSON.parse(result.outputs.created ?? "[]")).toEqual([]);
  });

  it("someone creates our exact temporary name just before our CREATE: theirs and the live MV stay", async () => {
    stage = await openStage({ "models/kinds.sql": KINDS_V1 });
    const { target, repo } = stage;
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const before = await stage.relations();
    const base = repo.revParse();
    repo.commit({ "models/kinds.sql": KINDS_V2 }, "last_id");
    let temp = "";
    target.injectFault({
      when: (sql) => /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/.test(sql),
      at: "before-forward",
      action: {
        run: async (sql) => {
          temp = /"public"\."([^"]+)"/.exec(sql)?.[1] ?? "";
          await target.query(
            `CREATE MATERIALIZED VIEW public."${temp}" AS SELECT 'not yours' AS x`,
          );
        },
      },
    });
    target.clearStatements();
    const result = await stage.deploy({}, base);
    expect(result.exitCode).toBe(1);
    expect(temp).toMatch(/_dbt_zero_down_tmp_\d{8}T\d{6}_\d{6}Z$/);
    const after = await stage.relations();
    expect(after.kinds).toBe(before.kinds);
    expect(await target.query(`SELECT x FROM public."${temp}"`)).toEqual([{ x: "not yours" }]);
    expect(changes(target.statements()).filter((sql) => /^(DROP|ALTER)/.test(sql))).toEqual([]);
    expect(errorsOf(result).join("\n")).toContain("the original MV is untouched");
    // The plan said which drops this run could ever issue, and of what.
    const mayDrop = planOf(result).models[0]?.mayDrop ?? [];
    expect(mayDrop).toEqual([
      {
        relation: `public.${temp}`,
        createdByThisRun: true,
        when: "the new version this run built, if the deploy fails before the swap",
      },
    ]);
  });
});
