// Issue 12 item 6 through dist/index.js: a dbt view downstream of a rebuilt MV is rebuilt beside
// it (CREATE VIEW under a temporary name, ALTER VIEW … SWAP WITH), so after the deploy it reads
// the new MV; its previous version is a view and is dropped as one once nothing reads it.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { changes, openStage, planOf, type Stage } from "../attacks/stage.js";

const KINDS_V1 =
  "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n from {{ source('app', 'events') }} group by kind";
const KINDS_V2 =
  "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n, max(id) as last_id from {{ source('app', 'events') }} group by kind";
const kindsView = (reader: string) =>
  `{{ config(materialized='view', grants={'select': ['${reader}']}) }}\nselect * from {{ ref('kinds') }}`;

/** What reads `name` in rw_depend, by reader name. */
async function readersOf(stage: Stage, name: string): Promise<string[]> {
  const rows = await stage.target.query<{ name: string }>(
    `SELECT r.name FROM rw_catalog.rw_depend d
       JOIN rw_catalog.rw_relations r ON r.id = d.objid
       JOIN rw_catalog.rw_relations u ON u.id = d.refobjid
      WHERE u.name = $1 ORDER BY r.name`,
    [name],
  );
  return rows.map((row) => row.name);
}

async function viewNames(stage: Stage): Promise<string[]> {
  const rows = await stage.target.query<{ name: string }>(
    "SELECT name FROM rw_catalog.rw_views ORDER BY name",
  );
  return rows.map((row) => row.name);
}

describe("dbt views downstream of a rebuilt MV", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  let reader = "";

  async function deployedBase(): Promise<{ base: string; ids: Record<string, number> }> {
    reader = `view_reader_${randomBytes(4).toString("hex")}`;
    stage = await openStage({
      "models/kinds.sql": KINDS_V1,
      "models/kinds_view.sql": kindsView(reader),
    });
    await stage.target.query(`CREATE USER ${reader}`);
    const first = await stage.deploy({ models: "all" });
    expect(first.exitCode, first.log).toBe(0);
    expect(JSON.parse(first.outputs.created ?? "[]")).toEqual([
      "public.kinds",
      "public.kinds_view",
    ]);
    const ids = await stage.relations();
    expect(await readersOf(stage, "kinds")).toEqual(["kinds_view"]);
    expect(await stage.canSelect(reader, "public.kinds_view")).toBe(true);
    const base = stage.repo.revParse();
    stage.repo.commit({ "models/kinds.sql": KINDS_V2 }, "kinds: last_id");
    return { base, ids };
  }

  it("swaps the view in after its MV: it reads the new version, its grants stay, both temps go", async () => {
    const { base, ids } = await deployedBase();
    const { target } = stage;
    target.clearStatements();
    const result = await stage.deploy({ "immediate-cleanup": "true" }, base);
    expect(result.exitCode, result.log).toBe(0);

    const plan = planOf(result);
    const view = plan.models.find((model) => model.model === "kinds_view");
    expect(view).toMatchObject({ action: "zero-downtime", relationType: "view" });
    const viewTemp = (view?.tempRelation ?? "").split(".")[1] as string;
    expect(viewTemp).toMatch(/^kinds_view_dbt_zero_down_tmp_\d{8}T\d{6}_\d{6}Z$/);
    const ddl = changes(target.statements());
    // Staged beside production: the new view reads the MV's new version, still under its temp name.
    const mvTemp = (plan.models.find((model) => model.model === "kinds")?.tempRelation ?? "").split(
      ".",
    )[1] as string;
    expect(ddl).toContain(
      `CREATE VIEW "public"."${viewTemp}" AS select * from "public"."${mvTemp}"`,
    );
    expect(ddl).toContain(`ALTER VIEW "public"."kinds_view" SWAP WITH "public"."${viewTemp}"`);
    expect(ddl).toContain(`DROP VIEW IF EXISTS "public"."${viewTemp}"`);
    expect(ddl.filter((sql) => sql.startsWith("DROP MATERIALIZED VIEW"))).toHaveLength(1);
    // The view temp goes before the MV temp it read, so neither DROP needs CASCADE.
    const viewDrop = ddl.findIndex((sql) => sql.startsWith("DROP VIEW"));
    const mvDrop = ddl.findIndex((sql) => sql.startsWith("DROP MATERIALIZED VIEW"));
    expect(viewDrop).toBeLessThan(mvDrop);

    const after = await stage.relations();
    expect(after.kinds).not.toBe(ids.kinds);
    expect(after.kinds_view).not.toBe(ids.kinds_view);
    expect(Object.keys(after).filter((name) => name.includes("_dbt_zero_down_tmp_"))).toEqual([]);
    // The view reads the new MV: the new column, and its dependency is on the new id.
    expect(
      await target.query("SELECT kind, n, last_id FROM public.kinds_view ORDER BY kind"),
    ).toEqual([
      { kind: "a", n: "1", last_id: 1 },
      { kind: "b", n: "2", last_id: 3 },
    ]);
    const depends = await target.query<{ refobjid: number }>(
      "SELECT refobjid FROM rw_catalog.rw_depend WHERE objid = $1",
      [after.kinds_view],
    );
    expect(depends.map((row) => Number(row.refobjid))).toEqual([after.kinds]);
    expect(await stage.canSelect(reader, "public.kinds_view")).toBe(true);
    expect(JSON.parse(result.outputs.swapped ?? "[]")).toEqual([
      "public.kinds",
      "public.kinds_view",
    ]);
  });

  it("keeps the previous view (and the MV it reads) while a hand-made view reads it; the sweep drops both once it is gone", async () => {
    const { base } = await deployedBase();
    const { target } = stage;
    await target.query("CREATE VIEW public.report AS SELECT kind FROM public.kinds_view");
    const result = await stage.deploy({ "immediate-cleanup": "true" }, base);
    expect(result.exitCode, result.log).toBe(0);
    const plan = planOf(result);
    const viewTemp = plan.models.find((m) => m.model === "kinds_view")?.tempRelation?.split(".")[1];
    const mvTemp = plan.models.find((m) => m.model === "kinds")?.tempRelation?.split(".")[1];
    // The hand-made view follows the id: it reads the previous dbt view, now under the temp name.
    expect(await readersOf(stage, viewTemp as string)).toEqual(["report"]);
    expect(await readersOf(stage, mvTemp as string)).toEqual([viewTemp]);
    expect(result.log).toContain(
      `Keeping "public"."${viewTemp}": still read by public.report (view)`,
    );
    expect(result.log).toContain(
      `Manual cleanup required: DROP VIEW IF EXISTS "public"."${viewTemp}";`,
    );

    // The report rolls a view back with ALTER VIEW, and counts the hand-made view as the one
    // reader left on a previous version (the dbt view itself was rebuilt).
    expect(result.summary).toContain(
      `ALTER VIEW "public"."kinds_view" SWAP WITH "public"."${viewTemp}";`,
    );
    expect(result.summary).not.toMatch(/ALTER MATERIALIZED VIEW "public"\."kinds_view"/);
    expect(result.summary).toContain(
      "2 swapped (1 changed, 1 downstream) · ⚠️ 1 view keeps the previous version",
    );

    await target.query("DROP VIEW public.report");
    target.clearStatements();
    const sweep = await stage.deploy({ mode: "cleanup" });
    expect(sweep.exitCode, sweep.log).toBe(0);
    expect(changes(target.statements())).toEqual([
      `DROP VIEW IF EXISTS "public"."${viewTemp}"`,
      `DROP MATERIALIZED VIEW IF EXISTS "public"."${mvTemp}"`,
    ]);
    expect(await viewNames(stage)).toEqual(["kinds_view"]);
  });

  it("a full refresh drops the view before its MV and creates it again after, never with CASCADE", async () => {
    const { base, ids } = await deployedBase();
    const { target } = stage;
    target.clearStatements();
    const result = await stage.deploy({ "full-refresh": "true" }, base);
    expect(result.exitCode, result.log).toBe(0);
    const ddl = changes(target.statements()).filter((sql) => /^(DROP|CREATE)/.test(sql));
    expect(ddl).toEqual([
      'DROP VIEW IF EXISTS "public"."kinds_view"',
      'DROP MATERIALIZED VIEW IF EXISTS "public"."kinds"',
      expect.stringMatching(/^CREATE MATERIALIZED VIEW "public"\."kinds" AS /),
      'CREATE VIEW "public"."kinds_view" AS select * from "public"."kinds"',
    ]);
    expect(target.statements().join("\n")).not.toMatch(/CASCADE/i);
    const after = await stage.relations();
    expect(after.kinds_view).not.toBe(ids.kinds_view);
    expect(await target.query("SELECT kind, last_id FROM public.kinds_view ORDER BY kind")).toEqual(
      [
        { kind: "a", last_id: 1 },
        { kind: "b", last_id: 3 },
      ],
    );
    expect(await stage.canSelect(reader, "public.kinds_view")).toBe(true);
  });

  it("does not swap a view a colleague replaced after the plan, and removes the view this run built", async () => {
    const { base } = await deployedBase();
    const { target } = stage;
    const replaced = target.injectFault({
      when: (sql) => sql.startsWith('CREATE VIEW "public"."kinds_view_dbt_zero_down_tmp_'),
      at: "before-forward",
      action: {
        run: async () => {
          await target.query("DROP VIEW public.kinds_view");
          await target.query("CREATE VIEW public.kinds_view AS SELECT 'colleague' AS who");
        },
      },
    });
    const result = await stage.deploy({}, base);
    expect(replaced.hits).toBe(1);
    expect(result.exitCode).toBe(1);
    const colleague = (await stage.relations()).kinds_view;
    expect(await target.query("SELECT who FROM public.kinds_view")).toEqual([{ who: "colleague" }]);
    expect(result.log).toMatch(
      /public\.kinds_view changed since the plan \(id \d+ then, id \d+ now\)/,
    );
    expect(await viewNames(stage)).toEqual(["kinds_view"]);
    expect((await stage.relations()).kinds_view).toBe(colleague);
  });

  it("a view whose own SQL changed is swapped on its own; its MV stays", async () => {
    const { ids } = await deployedBase();
    const { target, repo } = stage;
    const base = repo.revParse();
    repo.commit(
      {
        "models/kinds_view.sql": `{{ config(materialized='view', grants={'select': ['${reader}']}) }}\nselect kind, n * 10 as n10 from {{ ref('kinds') }}`,
      },
      "kinds_view: n10",
    );
    target.clearStatements();
    const result = await stage.deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.swapped ?? "[]")).toEqual(["public.kinds_view"]);
    const ddl = changes(target.statements());
    expect(ddl.some((sql) => sql.startsWith("CREATE MATERIALIZED VIEW"))).toBe(false);
    expect(ddl.some((sql) => sql.startsWith('ALTER VIEW "public"."kinds_view" SWAP WITH'))).toBe(
      true,
    );
    const after = await stage.relations();
    expect(after.kinds).toBe(ids.kinds);
    expect(after.kinds_view).not.toBe(ids.kinds_view);
    expect(await target.query("SELECT kind, n10 FROM public.kinds_view ORDER BY kind")).toEqual([
      { kind: "a", n10: "10" },
      { kind: "b", n10: "20" },
    ]);
    expect(await stage.canSelect(reader, "public.kinds_view")).toBe(true);
  });

  it("a deleted view model is left in place and reported with its DROP VIEW", async () => {
    const { ids } = await deployedBase();
    const { target, repo } = stage;
    const base = repo.revParse();
    repo.commit({}, "kinds_view deleted", { delete: ["models/kinds_view.sql"] });
    target.clearStatements();
    const result = await stage.deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    expect(changes(target.statements())).toEqual([]);
    expect((await stage.relations()).kinds_view).toBe(ids.kinds_view);
    expect(result.summary).toContain(
      "`kinds_view` was deleted from the project; the view `public.kinds_view` is left in place",
    );
    expect(result.summary).toContain('DROP VIEW IF EXISTS "public"."kinds_view";');
    expect(result.summary).not.toContain('DROP MATERIALIZED VIEW IF EXISTS "public"."kinds_view"');
  });

  it("a dry run shows the view's rebuild and writes nothing", async () => {
    const { base, ids } = await deployedBase();
    const { target } = stage;
    target.clearStatements();
    const result = await stage.deploy({ "dry-run": "true" }, base);
    expect(result.exitCode, result.log).toBe(0);
    expect(changes(target.statements())).toEqual([]);
    const view = planOf(result).models.find((model) => model.model === "kinds_view");
    expect(view).toMatchObject({ action: "zero-downtime", relationType: "view" });
    expect(
      view?.statements.some((sql) => sql.startsWith('ALTER VIEW "public"."kinds_view" SWAP WITH')),
    ).toBe(true);
    expect(await stage.relations()).toEqual(ids);
    expect(result.summary).toMatch(/\| `kinds_view` \| swap view \| downstream of `kinds` \|/);
  });
});
