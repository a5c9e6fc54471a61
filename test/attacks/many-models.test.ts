// Issue 11 item 9, as the attack: more than 1,000 models in one plan, at the last millisecond of
// a second (the clock frozen there). Every temporary name must have the form the cleanup looks
// for, or its MV would be left behind forever.
import { afterEach, describe, expect, it } from "vitest";
import { parseTempName } from "../../src/plan/temp-name.js";
import { frozenClockEnv } from "../support/clock/frozen-clock.js";
import { openStage, planOf, type Stage } from "./stage.js";

const COUNT = 1_002;
const project = (v: number) => `name: attacks
version: "1.0.0"
config-version: 2
model-paths: ["models"]
vars:
  v: ${v}
models:
  attacks:
    +materialized: materialized_view
    +zero_downtime:
      enabled: true
`;

describe("a plan of more than 1,000 models", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  it("stamps every temporary name with six digits that the cleanup's own parser reads back", async (context) => {
    const models = Object.fromEntries(
      Array.from({ length: COUNT }, (_, i) => [`models/m${i}.sql`, "select {{ var('v') }} as v"]),
    );
    stage = await openStage({ "dbt_project.yml": project(1), ...models });
    const { target, repo } = stage;
    if (target.kind !== "standin")
      context.skip(`${COUNT} MVs take too long to create on RisingWave`);
    await target.query(
      `DO $$ BEGIN FOR i IN 0..${COUNT - 1} LOOP
         EXECUTE format('CREATE MATERIALIZED VIEW public.m%s AS SELECT 1 AS v', i);
       END LOOP; END $$`,
    );
    const base = repo.revParse();
    // One model the preflight refuses: the plan is made and reported, no DDL is issued.
    repo.commit(
      {
        "dbt_project.yml": project(2),
        "models/refused.sql": "{{ config(grants={'insert': ['x']}) }}\nselect 1 as v",
      },
      "v: 2",
    );
    const at = new Date(Date.UTC(2026, 4, 5, 5, 5, 5, 999));
    const result = await stage.deploy({}, base, { env: frozenClockEnv(at), timeoutMs: 120_000 });
    expect(result.exitCode).toBe(1);
    const temps = planOf(result)
      .models.filter((model) => model.action === "zero-downtime")
      .map((model) => model.tempRelation?.slice("public.".length) ?? "");
    expect(temps).toHaveLength(COUNT);
    for (const temp of temps) {
      expect(temp).toMatch(/^m\d+_dbt_zero_down_tmp_20260505T050505_999\d{3}Z$/);
      expect(parseTempName(temp)?.createdAt).toEqual(new Date(Date.UTC(2026, 4, 5, 5, 5, 5, 999)));
    }
    expect(new Set(temps).size).toBe(COUNT);
  }, 180_000);
});
