// Issue 11 item 2, as the attack: a full refresh whose new SQL is broken somewhere in the set. A
// full refresh drops before it creates, so one invalid definition must mean nothing is dropped.
import { afterEach, describe, expect, it } from "vitest";
import { changes, errorsOf, openStage, type Stage } from "./stage.js";

const ROOT = "select kind, id, amount from {{ source('app', 'events') }}";
const LEAF = "select kind, count(*) as n from {{ ref('kinds') }} group by kind";

describe("full refresh with a broken model in the set", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  const deployed = async () => {
    stage = await openStage({ "models/kinds.sql": ROOT, "models/kind_counts.sql": LEAF });
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    return stage.relations();
  };

  it("a broken root: refused before the first DROP, both MVs keep their ids", async () => {
    const before = await deployed();
    stage.repo.commit(
      { "models/kinds.sql": `${ROOT.replace("amount", "o.no_such_column")}` },
      "broken",
    );
    stage.target.clearStatements();
    const result = await stage.deploy({ models: "kinds+", "full-refresh": "true" });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).join("\n")).toMatch(/kinds: RisingWave rejects the new definition/);
    expect(changes(stage.target.statements())).toEqual([]);
    expect(await stage.relations()).toEqual(before);
  });

  it("a broken leaf reading a refreshed root cannot be validated first: refused before any DROP", async () => {
    const before = await deployed();
    stage.repo.commit(
      {
        "models/kinds.sql": ROOT.replace("amount", "amount * 2 as doubled"),
        "models/kind_counts.sql": LEAF.replace("count(*)", "max(doubled)"),
      },
      "leaf reads the root's new column",
    );
    stage.target.clearStatements();
    const result = await stage.deploy({ models: "kinds+", "full-refresh": "true" });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).join("\n")).toContain(
      "kind_counts: full refresh refused before any DROP: its new definition could not be validated before kinds exist in their new form",
    );
    expect(changes(stage.target.statements())).toEqual([]);
    expect(await stage.relations()).toEqual(before);
    expect(await stage.target.query("SELECT count(*)::int AS n FROM public.kind_counts")).toEqual([
      { n: 2 },
    ]);
  });
});
