// Issue 11 item 5, as the attack: what used to fail after the whole backfill (a deploy user that
// does not own the live MV, a privilege RisingWave does not grant on MVs, an index on a column
// the new SQL dropped, no CREATE on the schema) is refused before any DDL, naming model and fix.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { changes, errorsOf, openStage, planOf, warningsOf, type Stage } from "./stage.js";

const KINDS = (config: string, extra = "") =>
  `{{ config(zero_downtime={'enabled': true}${config}) }}\nselect kind, count(*) as n${extra} from {{ source('app', 'events') }} group by kind`;

describe("preflight, before any DDL", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  /** Deployed at v1 by the stand-in's superuser; then the model changes to `v2`. */
  const changed = async (v2: string, files: Record<string, string> = {}) => {
    stage = await openStage({ "models/kinds.sql": KINDS(""), ...files });
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const base = stage.repo.revParse();
    stage.repo.commit({ "models/kinds.sql": v2 }, "v2");
    stage.target.clearStatements();
    return { base, before: await stage.relations() };
  };

  it("a deploy user that does not own the live MV is refused before the backfill, not at the SWAP", async () => {
    const { base, before } = await changed(KINDS("", ", max(id) as last_id"));
    const user = `deployer_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(9).toString("hex");
    for (const sql of [
      `CREATE USER ${user} PASSWORD '${password}'`,
      `GRANT CREATE ON SCHEMA public TO ${user}`,
      `GRANT SELECT ON public.events, public.kinds TO ${user}`,
    ]) {
      await stage.target.query(sql);
    }
    stage.target.clearStatements();
    const result = await stage.deploy(
      { "database-url": stage.target.urlFor(user, password) },
      base,
    );
    expect(result.exitCode).toBe(1);
    const [admin] = await stage.target.query<{ name: string }>("SELECT current_user AS name");
    expect(errorsOf(result)).toContain(
      `kinds: ${user} does not own public.kinds (its owner is ${admin?.name}) and is not a superuser, ` +
        "and RisingWave's SWAP needs the deploy user to own both MVs: the deploy would fail after the " +
        `whole backfill. Deploy as ${admin?.name}, or have a superuser run ALTER MATERIALIZED VIEW ` +
        `"public"."kinds" OWNER TO "${user}";`,
    );
    expect(changes(stage.target.statements())).toEqual([]);
    expect(stage.target.statements().some((sql) => /deploy_lock/.test(sql))).toBe(false);
    expect(await stage.relations()).toEqual(before);
  });

  it("a privilege RisingWave does not grant on an MV, and an index on a column the MV lacks", async () => {
    // Only grants and indexes change: applied in place, so the index is checked against the live MV.
    const { base, before } = await changed(
      KINDS(", grants={'insert': ['someone']}, indexes=[{'columns': ['last_id']}]"),
    );
    const result = await stage.deploy({}, base);
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toEqual(
      expect.arrayContaining([
        "kinds: grants: {insert: [...]} is not a privilege RisingWave grants on a materialized view: only select (or all, which means select). Change it to {select: [...]}.",
        "kinds: indexes: the index on (last_id) names last_id, which public.kinds does not have (its columns: kind, n).",
      ]),
    );
    expect(changes(stage.target.statements())).toEqual([]);
    expect(await stage.relations()).toEqual(before);
    expect(planOf(result).models[0]?.problems).toHaveLength(2);
  });

  it("a documented column the new SQL lacks is a warning, as in dbt; the rest is deployed", async () => {
    const properties = `version: 2
models:
  - name: kinds
    config:
      persist_docs: {relation: true, columns: true}
    description: Kinds.
    columns:
      - name: kind
        description: The kind.
      - name: gone
        description: Not in the SQL.
`;
    const { base } = await changed(KINDS("", ", max(id) as last_id"), {
      "models/kinds.yml": properties,
    });
    const result = await stage.deploy({}, base);
    expect(result.exitCode, result.log).toBe(0);
    expect(warningsOf(result)).toContain(
      "kinds: column gone is documented but the new definition has no such column; its comment was left out (dbt skips it too).",
    );
    const [comments] = await stage.target.query<{ relation: string; kind: string }>(
      `SELECT obj_description('public.kinds'::regclass, 'pg_class') AS relation,
              col_description('public.kinds'::regclass, 1) AS kind`,
    );
    expect(comments).toEqual({ relation: "Kinds.", kind: "The kind." });
  });

  it("a deploy user without CREATE on the schema is told which GRANT it needs, before any DDL", async () => {
    stage = await openStage({ "models/kinds.sql": KINDS("") });
    const user = `deployer_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(9).toString("hex");
    await stage.target.query(`CREATE USER ${user} PASSWORD '${password}'`);
    await stage.target.query(`GRANT SELECT ON public.events TO ${user}`);
    await stage.target.query("CREATE SCHEMA reports");
    await stage.target.query(`GRANT CREATE ON SCHEMA reports TO ${user}`);
    stage.target.clearStatements();
    const result = await stage.deploy({
      models: "all",
      "database-url": stage.target.urlFor(user, password),
    });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toContain(
      `kinds: ${user} may not create in schema public: GRANT CREATE ON SCHEMA "public" TO "${user}";`,
    );
    expect(changes(stage.target.statements())).toEqual([]);
    expect(Object.keys(await stage.relations())).toEqual(["events"]);
  });
});
