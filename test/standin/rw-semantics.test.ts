// RisingWave behaviours the product relies on, as the stand-in emulates them (each emulation
// cites its RisingWave source in catalog.sql / translate-*.ts): who may SWAP, what an MV still
// being created can and cannot be used for, acl and owner columns, the schema lookup of EXPLAIN
// CREATE MATERIALIZED VIEW, DESCRIBE, and the ACL-filtered catalogs of 2.3+.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

const standInOnly = inject("risingWaveUpstream").kind !== "standin";

describe.skipIf(standInOnly)("RisingWave semantics on the stand-in", () => {
  let target: RisingWaveTarget;
  const role = `alice_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(9).toString("hex");
  let alice: pg.Client;

  const idOf = async (name: string) =>
    Number(
      (
        await target.query<{ id: number }>(
          "SELECT id FROM rw_catalog.rw_relations WHERE name = $1",
          [name],
        )
      )[0]?.id,
    );
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => "succeeded",
      (error: Error) => error.message,
    );

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    await target.query(`CREATE USER ${role} PASSWORD '${password}'`);
    await target.query("CREATE TABLE public.t (id int, kind varchar)");
    await target.query(`GRANT SELECT ON public.t TO ${role}`);
    await target.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
    await target.query("CREATE MATERIALIZED VIEW public.by_root AS SELECT id FROM public.t");
    alice = new pg.Client({ connectionString: target.urlFor(role, password) });
    alice.on("error", () => undefined);
    await alice.connect();
    await alice.query("CREATE MATERIALIZED VIEW public.mine AS SELECT id FROM public.t");
    await alice.query("CREATE MATERIALIZED VIEW public.mine_next AS SELECT id, kind FROM public.t");
  });
  afterAll(async () => {
    await alice?.end();
    await target?.close();
  });

  test("a non-superuser swaps only MVs it owns, both of them, with RisingWave's message", async () => {
    expect(
      await failure(alice.query("ALTER MATERIALIZED VIEW public.by_root SWAP WITH public.mine")),
    ).toBe(`Permission denied: ${role} is not super user and not the owner of the objects.`);
    const [mine, next] = [await idOf("mine"), await idOf("mine_next")];
    await alice.query("ALTER MATERIALIZED VIEW public.mine SWAP WITH public.mine_next");
    expect([await idOf("mine"), await idOf("mine_next")]).toEqual([next, mine]);
  });

  test("owner and acl columns: RisingWave's acl items, superusers included, the owner not", async () => {
    await target.query(`GRANT SELECT ON MATERIALIZED VIEW public.by_root TO ${role}`);
    const [row] = await target.query<{ owner: number; acl: string[] }>(
      "SELECT owner, acl FROM rw_catalog.rw_materialized_views WHERE name = 'by_root'",
    );
    const [admin] = await target.query<{ id: number; name: string }>(
      "SELECT id, name FROM rw_catalog.rw_users WHERE is_super AND name = current_user",
    );
    expect(row?.owner).toBe(admin?.id);
    expect(row?.acl).toEqual(
      expect.arrayContaining([`${role}=r/${admin?.name}`, `${admin?.name}=arwd/${admin?.name}`]),
    );
    expect(row?.acl.filter((item) => item.startsWith(`${role}=`))).toHaveLength(1);
    const [relation] = await target.query<{ acl: string[] }>(
      "SELECT acl FROM rw_catalog.rw_relations WHERE name = 'by_root'",
    );
    expect(relation?.acl).toEqual(row?.acl);
  });

  test("GRANT on an MV takes SELECT or ALL only; COMMENT ON TABLE <mv> works", async () => {
    expect(
      await failure(target.query(`GRANT INSERT ON MATERIALIZED VIEW public.by_root TO ${role}`)),
    ).toBe("Bind error: Invalid privilege type for the given object.");
    await target.query(`GRANT ALL ON MATERIALIZED VIEW public.by_root TO ${role}`);
    await target.query("COMMENT ON TABLE public.by_root IS 'root''s'");
    await target.query("COMMENT ON COLUMN public.by_root.id IS 'the id'");
    const rows = await target.query<{
      Name: string;
      "Is Hidden": string | null;
      Description: string | null;
    }>("DESCRIBE public.by_root");
    expect(rows.map((row) => [row.Name, row["Is Hidden"], row.Description])).toEqual([
      ["id", "false", "the id"],
      ["_rw_timestamp", "true", null],
      ["table description", null, "root's"],
    ]);
  });

  test("an MV still being created: status Creating (2.8+), left out of rw_depend, not usable by name, DROP cancels it", async () => {
    await target.query("CREATE MATERIALIZED VIEW public.upstream AS SELECT id FROM public.t");
    await target.query(
      "CREATE MATERIALIZED VIEW public.building AS SELECT id FROM public.upstream",
    );
    const [upstream, building] = [await idOf("upstream"), await idOf("building")];
    await target.simulateBackfill(building, "33.3%");
    expect(
      await failure(target.query("SELECT status FROM rw_catalog.rw_materialized_views")),
    ).toMatch(/column "status" does not exist/);
    await target.setReportedVersion("2.8.0");
    try {
      const status = await target.query<{ name: string; status: string }>(
        "SELECT name, status FROM rw_catalog.rw_materialized_views WHERE name IN ('upstream', 'building') ORDER BY name",
      );
      expect(status).toEqual([
        { name: "building", status: "Creating" },
        { name: "upstream", status: "Created" },
      ]);
    } finally {
      await target.setReportedVersion("2.6.0");
    }
    const [job] = await target.query<{ ddl_statement: string }>(
      "SELECT ddl_statement FROM rw_catalog.rw_ddl_progress WHERE ddl_id = $1",
      [building],
    );
    expect(job?.ddl_statement).toMatch(/^CREATE MATERIALIZED VIEW "public"\."building" AS /);
    const readers = await target.query(
      "SELECT objid FROM rw_catalog.rw_depend WHERE refobjid = $1",
      [upstream],
    );
    expect(readers).toEqual([]);
    for (const sql of [
      "ALTER MATERIALIZED VIEW public.building SWAP WITH public.upstream",
      `GRANT SELECT ON MATERIALIZED VIEW public.building TO ${role}`,
      "COMMENT ON TABLE public.building IS 'x'",
      "CREATE INDEX building_id ON public.building (id)",
    ]) {
      expect(await failure(target.query(sql)), sql).toBe(
        "Catalog error: table not found: building",
      );
    }
    await target.query("DROP MATERIALIZED VIEW public.building");
    expect(await target.query("SELECT * FROM rw_catalog.rw_ddl_progress")).toEqual([]);
    expect(await idOf("building")).toBeNaN();
  });

  test("EXPLAIN CREATE MATERIALIZED VIEW looks the schema up, checks CREATE on it and lists the columns", async () => {
    expect(
      await failure(
        target.query(
          'EXPLAIN CREATE MATERIALIZED VIEW "no_such_schema"."x" AS SELECT id FROM public.t',
        ),
      ),
    ).toBe("Catalog error: schema not found: no_such_schema");
    await target.query("CREATE SCHEMA locked");
    expect(
      await failure(
        alice.query('EXPLAIN CREATE MATERIALIZED VIEW "locked"."x" AS SELECT id FROM public.t'),
      ),
    ).toBe('Permission denied: permission denied for schema "locked": CREATE');
    const plan = await alice.query(
      'EXPLAIN CREATE MATERIALIZED VIEW "public"."mine" AS SELECT id, kind AS "Kind" FROM public.t',
    );
    expect(plan.fields.map((field) => field.name)).toEqual(["QUERY PLAN"]);
    expect(plan.rows[0]?.["QUERY PLAN"]).toMatch(
      /^StreamMaterialize \{ columns: \[id, Kind, _rw_timestamp\(hidden\)\]/,
    );
  });

  test("from 2.3 a non-superuser's catalog lists only what it may access (outside public before 2.7); rw_depend is not filtered", async () => {
    await target.query("CREATE SCHEMA hidden_things");
    await target.query(
      "CREATE MATERIALIZED VIEW hidden_things.secret AS SELECT id FROM public.mine",
    );
    await target.query("CREATE VIEW public.root_view AS SELECT id FROM public.mine");
    const names = async () =>
      (
        await alice.query<{ name: string }>(
          "SELECT name FROM rw_catalog.rw_relations WHERE name IN ('secret', 'root_view') ORDER BY name",
        )
      ).rows.map((row) => row.name);
    expect(await names()).toEqual(["root_view"]);
    await target.setReportedVersion("2.7.0");
    try {
      expect(await names()).toEqual([]);
      const mine = await idOf("mine");
      const readers = await alice.query(
        "SELECT objid FROM rw_catalog.rw_depend WHERE refobjid = $1",
        [mine],
      );
      expect(readers.rows.map((row) => Number(row.objid)).sort()).toEqual(
        [await idOf("secret"), await idOf("root_view")].sort(),
      );
    } finally {
      await target.setReportedVersion("2.6.0");
    }
  });
});
