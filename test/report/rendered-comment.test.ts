import { describe, expect, it } from "vitest";
import { COMMENT_LIMIT, summaryLimit } from "../../src/report/budget.js";
import { renderFailureReport, renderReport } from "../../src/report/markdown.js";
import { inspectComment, type RenderedTable } from "../support/gfm/render.js";
import {
  context,
  deploy,
  dryRun,
  FAILED_PLAN_PROBLEMS,
  fanOut,
  largeDeploy,
  partialDeploy,
} from "./report-cases.js";

/**
 * ~900 px of comment at GitHub's 14 px font holds about 110 characters of text; a table overflows
 * when the words that cannot wrap (names in code) add up to more than that across a row.
 */
function widestRow(table: RenderedTable): number {
  return Math.max(
    ...[table.headers, ...table.rows].map((row) =>
      row.reduce(
        (sum, cell) => sum + Math.max(...cell.split(/\s+/).map((word) => word.length)) + 3,
        0,
      ),
    ),
  );
}

function checkStructure(body: string) {
  expect(body.length).toBeLessThan(COMMENT_LIMIT);
  const view = inspectComment(body);
  expect(view.tables).toHaveLength(1);
  const table = view.tables[0]!;
  expect(table.headers.length).toBeLessThanOrEqual(5);
  expect(widestRow(table)).toBeLessThanOrEqual(110);
  expect(view.literalMarkdown).toEqual([]);
  return view;
}

const comment = (result: ReturnType<typeof dryRun>, kind: "plan" | "result" = "plan") =>
  renderReport(result, context, { kind, summaryComplete: true });

describe("the pull request comment as GitHub renders it", () => {
  it("dry run: impact first, then every sink, reader and skipped model to act on, then diffs", () => {
    const { body } = comment(dryRun());
    const view = checkStructure(body);
    expect(view.headings[0]).toBe(
      "⚠️ Deploy plan: shop → schema analytics · production (database dev on rw.internal:4566)",
    );
    expect(view.text).toContain(
      "3 to swap (1 changed, 2 downstream) · 1 to create (1 new) · ⚠️ 1 not applied · ⚠️ 1 sink keeps the previous version · ⚠️ 1 MV keeps the previous version · 3 items need action",
    );
    expect(view.tasks).toHaveLength(3);
    expect(view.tasks[0]).toMatch(/^⚠️ legacy_counts \(SQL changed\) will not be deployed/);
    expect(view.tasks[0]).toContain("{{ config(zero_downtime={'enabled': true}) }}");
    expect(view.tasks[0]).toContain("models: legacy_counts");
    expect(view.tasks[1]).toMatch(
      /^⚠️ sink analytics\.orders_export will keep reading the previous customer_totals/,
    );
    expect(view.tasks[2]).toMatch(
      /^⚠️ materialized view analytics\.adhoc_report will keep reading/,
    );
    const sinkSql = view.codeBlocks.find((block) => block.text.includes("ALTER SINK"));
    expect(sinkSql?.text).toContain(
      `ALTER SINK "analytics"."orders_export" SWAP WITH "analytics"."orders_export_moved";`,
    );
    expect(view.tables[0]!.headers).toEqual(["Model", "Action", "Why", "Status"]);
    expect(view.tables[0]!.rows).toEqual([
      ["stg_orders", "swap", "changed: SQL", "✅ valid"],
      ["customer_totals", "swap", "downstream of stg_orders", "✅ valid"],
      ["big_spenders", "swap", "downstream of customer_totals", "✅ valid"],
      ["legacy_counts", "skip", "changed: SQL", "⚠️ not applied"],
      ["daily_revenue", "create", "new model", "✅ valid"],
    ]);
    // A diff for each changed model (skipped or not), the new one against nothing.
    const diffs = view.codeBlocks.filter((block) => block.language === "diff");
    expect(diffs).toHaveLength(3);
    expect(diffs[0]!.text).toContain(
      "-select id, customer_id, amount\n+select id, customer_id, amount, currency",
    );
    expect(diffs[2]!.text.split("\n").filter((line) => line.startsWith("+"))).toHaveLength(3);
    expect(
      view.summaries.filter((summary) => summary.startsWith("Full DDL script of")),
    ).toHaveLength(4);
    expect(body).not.toContain("Left out");
  });

  it("deploy: never a plain ✅ while a change was skipped and a sink reads the previous version", () => {
    const { body, verdict } = comment(deploy(), "result");
    const view = checkStructure(body);
    expect(verdict).toBe("⚠️ Deployed");
    expect(view.text).toContain(
      "3 swapped (1 changed, 2 downstream) · 1 created (1 new) · ⚠️ 1 not applied · ⚠️ 1 sink keeps the previous version · ⚠️ 1 MV keeps the previous version",
    );
    expect(view.tasks.map((task) => task.slice(0, 60))).toHaveLength(3);
    expect(view.tasks[1]).toContain(
      "reads the previous customer_totals, kept as analytics.customer_totals_dbt_zero_down_tmp_",
    );
    // The kept temps: why each is kept, the rollback, and a DROP only for what nothing outside reads.
    expect(view.text).toContain(
      "kept for a rollback: immediate_cleanup is off, and nothing reads it",
    );
    expect(view.text).toContain("read by the previous version of big_spenders (also kept)");
    const rollback = view.codeBlocks.find((block) =>
      block.text.startsWith("ALTER MATERIALIZED VIEW"),
    );
    expect(rollback?.text.trim().split("\n")).toHaveLength(3);
    const drops = view.codeBlocks.find((block) => block.text.startsWith("DROP MATERIALIZED VIEW"));
    expect(drops?.text).toContain("big_spenders_dbt_zero_down_tmp_");
    expect(drops?.text).not.toContain("customer_totals_dbt_zero_down_tmp_");
    expect(view.text).toContain("1.2 s");
  });

  it("partial deploy: what failed, what production looks like now, and how to go forward or back", () => {
    const { body, verdict } = comment(partialDeploy(), "result");
    const view = checkStructure(body);
    expect(verdict).toBe("❌ Deploy failed");
    expect(view.text).toContain(
      "1 swapped (1 changed) · ❌ 1 failed · ⏭️ 2 not attempted · ⚠️ 1 not applied",
    );
    expect(view.tasks[0]).toContain(
      'customer_totals (models/customer_totals.sql) failed: create failed: column "currency" <unknown> & odd',
    );
    expect(view.tasks[0]).toContain("the original MV is untouched; the temporary MV was removed.");
    expect(view.tasks[1]).toMatch(
      /^↩️ This deploy stopped part-way: stg_orders is on the new version/,
    );
    expect(view.tasks[1]).toContain(
      "Not attempted, still on their previous version: big_spenders, daily_revenue.",
    );
    const rollback = view.codeBlocks.find((block) => block.text.includes("SWAP WITH"));
    expect(rollback?.text.trim()).toMatch(
      /^ALTER MATERIALIZED VIEW "analytics"."stg_orders" SWAP WITH "analytics"."stg_orders_dbt_zero_down_tmp_\d{8}T\d{6}_\d{6}Z";$/,
    );
    expect(view.tables[0]!.rows.map((row) => row[3])).toEqual([
      "✅ swapped",
      "❌ failed",
      "⏭️ not attempted",
      "⚠️ not applied",
      "⏭️ not attempted",
    ]);
  });

  it("one change with 62 downstream rebuilds: the count up front, the routine rows grouped", () => {
    const { body } = comment(fanOut(62));
    const view = checkStructure(body);
    expect(view.text).toContain("**63 to swap (1 changed, 62 downstream)**".replace(/\*/g, ""));
    expect(view.tables[0]!.rows).toEqual([
      ["stg_orders", "swap", "changed: SQL", "✅ valid"],
      ["62 models", "swap", "downstream of stg_orders", "✅ valid"],
    ]);
    const names = view.summaries.find((summary) => summary.startsWith("62 models"));
    expect(names).toBe("62 models: swap, ✅ valid");
    for (let i = 0; i < 62; i++) expect(view.text).toContain(`mart_${i},`.slice(0, -1));
    // Ten or fewer stay one row each.
    expect(checkStructure(comment(fanOut(10)).body).tables[0]!.rows).toHaveLength(11);
  });

  it("failed plan: every problem, once, with text like <default> visible", () => {
    const { body } = renderFailureReport(FAILED_PLAN_PROBLEMS, context, { kind: "plan" });
    const view = inspectComment(body);
    expect(view.tasks).toEqual([
      "❌ models/marts/big_spenders.sql:1: var('threshold') is not defined; give var('threshold', <default>) or set it in vars",
      "❌ models/marts/x.sql: ref('customer_total') names no model; did you mean customer_totals?",
    ]);
    expect(view.literalMarkdown).toEqual([]);
  });

  it("200 models: under 65,536 characters, the whole checklist kept, and a true note on what was left out", () => {
    const summary = renderReport(largeDeploy(), context, { kind: "result", limit: summaryLimit });
    expect(summary.complete).toBe(true);
    const { body, complete } = renderReport(largeDeploy(), context, {
      kind: "result",
      summaryComplete: summary.complete,
    });
    expect(complete).toBe(false);
    const view = checkStructure(body);
    expect(view.tasks).toHaveLength(200);
    const note = view.text.slice(view.text.indexOf("Left out to stay under"));
    expect(note).toMatch(/^Left out to stay under GitHub's 65,536-character comment limit: /);
    expect(note).toContain("job summary has the full report");
    // What the note claims is left out really is, and the summary has it.
    const diffs = view.codeBlocks.filter((block) => block.language === "diff").length;
    const omitted = Number(/the SQL diffs of .* and (\d+) more/.exec(note)?.[1] ?? 0) + 12;
    expect(diffs + omitted).toBe(200);
    expect(
      inspectComment(summary.body).codeBlocks.filter((b) => b.language === "diff"),
    ).toHaveLength(200);
  });

  it("stays under the limit whatever the names: 300 models with 150-character names", () => {
    const result = largeDeploy(300, 4);
    for (const entry of result.plan.models) entry.model = `${entry.model}_${"n".repeat(150)}`;
    for (const model of result.outcome!.models) model.model = `${model.model}_${"n".repeat(150)}`;
    const { body } = comment(result, "result");
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(inspectComment(body).text).toContain("Left out to stay under");
  });

  it("cuts an error message as long as the SQL it quotes, and says where the rest is", () => {
    const result = partialDeploy();
    result.outcome!.models[1]!.error = `syntax error near ${"x".repeat(100_000)}`;
    const { body } = comment(result, "result");
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(inspectComment(body).tasks[0]).toContain("… (96,018 more characters in the job log)");
  });

  it("escapes what the pull request and the database control in every place it lands", () => {
    const result = partialDeploy();
    const entry = result.plan.models[0]!;
    entry.model = "odd<b>|`x`&amp;";
    result.outcome!.models[0]!.model = entry.model;
    const { body } = comment(result, "result");
    const view = inspectComment(body);
    expect(view.tables[0]!.rows[0]![0]).toBe("odd<b>|`x`&amp;");
    expect(view.text).not.toContain("odd|");
    expect(view.summaries.some((summary) => summary.includes("odd<b>|`x`&amp;"))).toBe(true);
  });
});
