import { describe, expect, it } from "vitest";
import type { DeployResult } from "../../src/deploy/run-deploy.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import { COMMENT_LIMIT } from "../../src/report/budget.js";
import { commentMarker, withoutFooter, type ReportContext } from "../../src/report/context.js";
import { withResultLink } from "../../src/report/github/plan-link.js";
import { renderReport } from "../../src/report/markdown.js";
import { sqlDiff } from "../../src/report/sql-changes.js";
import { catalog, model, project } from "../plan/fixtures.js";
import { inspectComment } from "../support/gfm/render.js";

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
    requests: { requests: [], failures: [], warnings: [] },
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

const context: ReportContext = {
  projectDir: ".",
  projectName: "shop",
  targetSchema: "analytics",
  target: { database: { host: "rw.internal", port: "4566", name: "dev" } },
  commitSha: "0123456789abcdef",
  runUrl: "https://github.com/acme/analytics/actions/runs/1",
};
const render = (result: DeployResult, ctx = context) =>
  renderReport(result, ctx, { kind: "plan", summaryComplete: true }).body;

describe("renderReport", () => {
  it("keeps every model's DDL script when it fits", () => {
    const body = render(dryRunOf(3, 100));
    expect(
      inspectComment(body).summaries.filter((s) => s.startsWith("Full DDL script")),
    ).toHaveLength(3);
    expect(body).not.toContain("Left out");
  });

  it("lists each model that cannot be built as a failure to fix, beside the models still planned", () => {
    const result = dryRunOf(2, 10);
    result.plan.failed.push(
      {
        model: "broken",
        file: "models/broken.sql",
        line: 3,
        message: "'nope' is undefined. Define it, or install the package that has it.",
      },
      {
        model: "reads_broken",
        file: "models/reads_broken.sql",
        line: 1,
        message: "not deployed: it reads broken, which cannot be built in this run.",
      },
    );
    const body = render(result);
    const comment = inspectComment(body);
    expect(body).toContain("### ❌ Deploy plan");
    expect(body).toContain("❌ 2 cannot be built");
    expect(comment.tasks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^❌ broken \(models\/broken\.sql:3\) cannot be built: 'nope' is undefined\./,
        ),
        expect.stringMatching(
          /^❌ reads_broken \(models\/reads_broken\.sql:1\) cannot be built: not deployed: it reads broken/,
        ),
      ]),
    );
    // The two models that do build are still in the plan.
    expect(body).toContain("`m0`");
    expect(body).toContain("`m1`");
  });

  it("stays under GitHub's comment limit by leaving scripts out first, and says so in a note that renders", () => {
    const body = render(dryRunOf(60, 3_000));
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    const view = inspectComment(body);
    expect(view.text).toMatch(
      /Left out to stay under GitHub's 65,536-character comment limit: the full DDL scripts of \d+ model\(s\)/,
    );
    expect(view.literalMarkdown).toEqual([]);
    // The table still lists every model: only SQL was trimmed.
    expect(view.tables[0]!.rows).toHaveLength(60);
  });

  it("measures the body as it leaves: redaction that lengthens it still fits", () => {
    // A one-letter secret becomes "***" wherever it appears: the SQL here is mostly that letter.
    const redact = (text: string) => text.replace(/x/g, "***");
    const { body } = renderReport(dryRunOf(60, 3_000), context, { kind: "plan", redact });
    expect(redact(body).length).toBeLessThan(COMMENT_LIMIT);
    const unmeasured = renderReport(dryRunOf(60, 3_000), context, { kind: "plan" }).body;
    expect(redact(unmeasured).length).toBeGreaterThan(COMMENT_LIMIT);
  });

  it("separates the run link so reruns of the same plan compare equal", () => {
    const first = render(dryRunOf(2, 10));
    const rerun = render(dryRunOf(2, 10), {
      ...context,
      runUrl: "https://github.com/acme/analytics/actions/runs/2",
    });
    expect(first).not.toBe(rerun);
    expect(withoutFooter(first)).toBe(withoutFooter(rerun));
  });

  it("is not fooled by a footer marker in a pull request's SQL into keeping a stale comment", () => {
    const withMarker = (tail: string) => {
      const result = dryRunOf(2, 10);
      result.plan.models[0]!.steps.push({
        kind: "post-hook",
        sql: "select 1 -- <!-- report-footer -->",
      });
      result.plan.models[1]!.steps.push({ kind: "post-hook", sql: `select '${tail}'` });
      return render(result);
    };
    expect(withoutFooter(withMarker("v1"))).not.toBe(withoutFooter(withMarker("v2")));
  });
});

describe("comment markers", () => {
  const marker = (target: ReportContext["target"], kind: "plan" | "result" = "plan") =>
    commentMarker({ ...context, target }, kind);

  it("keep staging and production apart, by environment or by database", () => {
    expect(marker({ environment: "staging" })).not.toBe(marker({ environment: "production" }));
    const prod = { host: "prod.internal", port: "4566", name: "dev" };
    expect(marker({ database: prod })).toBe(marker({ database: { ...prod } }));
    expect(marker({ database: prod })).not.toBe(
      marker({ database: { ...prod, host: "stg.internal" } }),
    );
    expect(marker({ database: prod })).not.toBe(marker({ database: { ...prod, name: "other" } }));
    // The environment names the target whatever the credentials, offline included.
    expect(marker({ environment: "prod", database: prod })).toBe(marker({ environment: "prod" }));
    expect(marker({ database: prod })).not.toContain("prod.internal");
  });

  it("never let a plan marker match a result comment, or one commit's result another's", () => {
    const plan = marker({ environment: "prod" });
    const result = marker({ environment: "prod" }, "result");
    expect(result.includes(plan)).toBe(false);
    expect(commentMarker({ ...context, commitSha: "aaa" }, "result")).not.toBe(
      commentMarker({ ...context, commitSha: "bbb" }, "result"),
    );
  });

  it("link a plan to its deploy result once, replacing the line on a later deploy", () => {
    const plan = "<!-- marker -->\n### plan\n\nbody\n";
    const once = withResultLink(plan, "first");
    expect(once).toBe(
      "<!-- marker -->\n<!-- deploy-result-link -->\nfirst\n<!-- /deploy-result-link -->\n\n### plan\n\nbody\n",
    );
    const twice = withResultLink(once, "second");
    expect(twice).toBe(once.replace("first", "second"));
    expect(withResultLink(twice, "second")).toBe(twice);
    // The same text inside the plan (SQL from the pull request) is never taken for ours.
    const hostile =
      "<!-- marker -->\n```sql\n<!-- deploy-result-link -->\nx\n<!-- /deploy-result-link -->\n```\n";
    expect(withResultLink(hostile, "first")).toBe(
      `<!-- marker -->\n<!-- deploy-result-link -->\nfirst\n<!-- /deploy-result-link -->\n\n${hostile.slice(16)}`,
    );
  });
});

describe("sqlDiff", () => {
  it("gives unified hunks with counts, and stops instead of grinding on a huge rewrite", () => {
    const diff = sqlDiff("select a\nfrom t\nwhere x\n", "select a, b\nfrom t\nwhere x\n");
    expect(diff).toEqual({
      text: "@@ -1,3 +1,3 @@\n-select a\n+select a, b\n from t\n where x",
      added: 1,
      removed: 1,
    });
    expect(sqlDiff("select 1\n", "select 1\n")).toBeUndefined();
    const lines = (prefix: string) =>
      Array.from({ length: 600 }, (_, i) => `${prefix}${i}`).join("\n");
    expect(sqlDiff(lines("a"), lines("b"))).toBe("too-large");
  });
});
