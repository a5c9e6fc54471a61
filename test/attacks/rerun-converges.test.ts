// Issue 11 item 10, as the attack: the connection dies right after the CREATE of a new model,
// before its index, grant and comments (zero_downtime off, as by default). The rerun must
// complete the MV in place, not skip it as "unchanged".
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openStage, planOf, type Stage } from "./stage.js";

describe("a run cut off after CREATE, then rerun", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  it("completes the MV: the missing index, grant and comments are applied in place", async () => {
    const role = `reporter_${randomBytes(4).toString("hex")}`;
    stage = await openStage({});
    const { target, repo } = stage;
    await target.query(`CREATE USER ${role}`);
    const base = repo.revParse();
    repo.commit(
      {
        "models/by_customer.sql": `{{ config(indexes=[{'columns': ['kind']}], grants={'select': ['${role}']}) }}
select kind, sum(amount) as total from {{ source('app', 'events') }} group by kind`,
        "models/by_customer.yml": `version: 2
models:
  - name: by_customer
    description: Totals per kind.
    config:
      persist_docs: {relation: true, columns: true}
    columns:
      - name: total
        description: Sum of amounts.
`,
      },
      "new model",
    );
    const cut = target.injectFault({
      when: (sql) => sql.startsWith("CREATE INDEX"),
      at: "before-forward",
      action: "kill-connection",
    });
    const first = await stage.deploy({}, base);
    expect(cut.hits).toBe(1);
    expect(first.exitCode).toBe(1);
    const created = (await stage.relations()).by_customer;
    expect(created).toBeDefined();
    expect(await stage.indexes()).toEqual({});
    expect(await stage.canSelect(role, "public.by_customer")).toBe(false);

    const rerun = await stage.deploy({}, base, { env: { GITHUB_RUN_ATTEMPT: "2" } });
    expect(rerun.exitCode, rerun.log).toBe(0);
    expect(planOf(rerun).models[0]).toMatchObject({ model: "by_customer", action: "in-place" });
    expect((await stage.relations()).by_customer).toBe(created);
    expect(await stage.indexes()).toEqual({ __dbt_index_by_customer_kind: "by_customer" });
    expect(await stage.canSelect(role, "public.by_customer")).toBe(true);
    const [comments] = await target.query<{ relation: string; total: string }>(
      `SELECT obj_description('public.by_customer'::regclass, 'pg_class') AS relation,
              col_description('public.by_customer'::regclass, 2) AS total`,
    );
    expect(comments).toEqual({ relation: "Totals per kind.", total: "Sum of amounts." });

    // Once complete, a further rerun has nothing left to apply.
    target.clearStatements();
    const again = await stage.deploy({}, base, { env: { GITHUB_RUN_ATTEMPT: "3" } });
    expect(again.exitCode, again.log).toBe(0);
    expect(planOf(again).models[0]).toMatchObject({ action: "skip", statements: [] });
  });
});
