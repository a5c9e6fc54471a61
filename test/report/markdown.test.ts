import { describe, expect, it } from "vitest";
import type { DeployResult } from "../../src/deploy/run-deploy.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import { COMMENT_LIMIT, renderReport, withoutFooter } from "../../src/report/markdown.js";
import { catalog, model, project } from "../plan/fixtures.js";

function dryRunOf(modelCount: number, sqlLength: number): DeployResult {
  const models = Array.from({ length: modelCount }, (_, i) =>
    model(`m${i}`, `select ${"x".repeat(sqlLength)} as wide_${i}`),
  );
  const head = project(...models);
  const plan = buildPlan({
    project: head,
    requests: models.map((node) => ({ model: node.name, reason: "new model" })),
    catalog: catalog({}),
    options: {
      dryRun: true,
      fullRefresh: false,
      zeroDowntime: "model-config",
      immediateCleanup: false,
      rebuildDownstream: true,
      backgroundDdl: true,
    },
    now: new Date(Date.UTC(2026, 0, 1)),
  });
  return {
    head,
    requests: { requests: [], warnings: [] },
    plan,
    online: true,
    validation: {
      checked: models.map((node) => node.name),
      problems: [],
      unchecked: [],
      notes: [],
    },
    blocking: [],
  };
}

const context = {
  projectDir: ".",
  projectName: "shop",
  targetSchema: "analytics",
  commitSha: "0123456789abcdef",
  runUrl: "https://github.com/acme/analytics/actions/runs/1",
};

describe("renderReport", () => {
  it("keeps every model's SQL when it fits", () => {
    const body = renderReport(dryRunOf(3, 100), context);
    expect(body.match(/<details>/g)).toHaveLength(3);
    expect(body).not.toContain("left out");
  });

  it("stays under GitHub's comment limit by leaving SQL out first, and says so", () => {
    const body = renderReport(dryRunOf(60, 3_000), context);
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(body).toMatch(
      /_SQL of \d+ model\(s\) left out to stay under GitHub's 65,536-character comment limit/,
    );
    // The table still lists every model: only SQL was trimmed.
    for (let i = 0; i < 60; i++) expect(body).toContain(`| \`m${i}\` | create |`);
  });

  it("separates the run link so reruns of the same plan compare equal", () => {
    const first = renderReport(dryRunOf(2, 10), context);
    const rerun = renderReport(dryRunOf(2, 10), {
      ...context,
      runUrl: "https://github.com/acme/analytics/actions/runs/2",
    });
    expect(first).not.toBe(rerun);
    expect(withoutFooter(first)).toBe(withoutFooter(rerun));
  });
});
