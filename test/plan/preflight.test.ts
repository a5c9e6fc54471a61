import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build-plan.js";
import type { Evidence } from "../../src/plan/evidence.js";
import { preflight } from "../../src/plan/preflight.js";
import { catalog, defaultPlanOptions, model, mv, project } from "./fixtures.js";

const users = [
  { id: 1, name: "root", isSuper: true },
  { id: 2, name: "deployer", isSuper: false },
  { id: 3, name: "alice", isSuper: false },
];

describe("preflight", () => {
  const orders = model("orders", "select 1 as id", { indexes: [{ columns: ["id", "region"] }] });
  const existing = { ...mv(10, "orders"), owner: 3, acl: [] };

  it("a SWAP by a user that neither owns the MV nor is a superuser, and an index on a missing column", () => {
    const found = preflight({
      model: orders,
      action: "zero-downtime",
      existing,
      catalog: catalog({ users, currentUser: "deployer", relations: [existing] }),
      check: { columns: ["id"] },
      online: true,
      dryRun: false,
    });
    expect(found.problems).toEqual([
      expect.stringMatching(
        /^deployer does not own analytics\.orders \(its owner is alice\) and is not a superuser/,
      ),
      "indexes: the index on (id, region) names region, which the new definition does not have (its columns: id).",
    ]);
  });

  it("a superuser, or the owner, passes; unknown columns are said to be unchecked, not guessed", () => {
    for (const currentUser of ["root", "alice"]) {
      const found = preflight({
        model: orders,
        action: "zero-downtime",
        existing,
        catalog: catalog({ users, currentUser, relations: [existing] }),
        check: {},
        online: true,
        dryRun: false,
      });
      expect(found.problems).toEqual([]);
      expect(found.unchecked).toEqual([
        "whether the new definition has the index columns could not be checked",
      ]);
    }
  });

  it("offline, only what the project itself shows is checked", () => {
    const found = preflight({
      model: model("orders", "select 1", { grants: { update: ["x"] } }),
      action: "create",
      catalog: catalog({}),
      online: false,
      dryRun: true,
    });
    expect(found.problems).toEqual([
      "grants: {update: [...]} is not a privilege RisingWave grants on a materialized view: only select (or all, which means select). Change it to {select: [...]}.",
    ]);
  });
});

describe("in place", () => {
  const options = defaultPlanOptions;

  it("an MV that stays gets only what its config declares and it lacks", () => {
    const kinds = model(
      "kinds",
      "select kind from t",
      {
        zeroDowntime: { enabled: false },
        indexes: [{ columns: ["kind"] }],
        grants: { select: ["bi", "ops"] },
        persistDocs: { relation: true, columns: true },
      },
      { description: "Kinds", columns: [{ name: "kind", description: "The kind" }] },
    );
    const live = { ...mv(10, "kinds"), owner: 2, acl: ["bi=r/deployer"] };
    const evidence: Evidence = {
      definitions: new Map(),
      described: new Map([[10, { columns: ["kind"], comment: "Kinds", columnComments: {} }]]),
    };
    const plan = buildPlan({
      project: project(kinds),
      requests: [{ model: "kinds", reason: "new model" }],
      catalog: catalog({ users, currentUser: "deployer", relations: [live] }),
      options,
      now: new Date(),
      evidence,
    });
    expect(plan.models[0]).toMatchObject({ action: "in-place", targetId: 10 });
    expect(plan.models[0]?.steps.flatMap((step) => ("sql" in step ? [step.sql] : []))).toEqual([
      'CREATE INDEX "__dbt_index_kinds_kind" ON "analytics"."kinds" ("kind")',
      'GRANT SELECT ON MATERIALIZED VIEW "analytics"."kinds" TO "ops"',
      `COMMENT ON COLUMN "analytics"."kinds"."kind" IS 'The kind'`,
    ]);
    expect(plan.models[0]?.warnings[0]).toMatch(
      /^kinds: new in this change, but analytics\.kinds already exists/,
    );
  });
});
