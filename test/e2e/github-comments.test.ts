import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createRepo,
  pullRequestEvent,
  pushEvent,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { startGitHubApi, type GitHubApi } from "../support/github-api/index.js";
import { inspectComment } from "../support/gfm/render.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import {
  CUSTOMER_TOTALS_V2,
  exampleProjectFiles,
  exampleSetupStatements,
} from "./example-project.js";
import { mergePullRequest } from "./merge.js";

const PATCH = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const POST = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const APP_BOT = { login: "rw-deployer[bot]", id: 9_000_001, type: "Bot" as const };

/** A model with zero_downtime off: a change to it is never applied without a full refresh. */
const LEGACY_V1 = `{{ config(zero_downtime={'enabled': false}) }}
select count(*) as n from {{ ref('stg_orders') }}
`;
const LEGACY_V2 = `{{ config(zero_downtime={'enabled': false}) }}
select count(*) as n, sum(amount) as total from {{ ref('stg_orders') }}
`;
const DAILY = `select customer_id, count(*) as orders from {{ ref('stg_orders') }} group by customer_id
`;

describe("pull request comments on GitHub's terms, through dist/index.js", () => {
  let target: RisingWaveTarget;
  let api: GitHubApi;
  let repo: TempRepo;
  let base: string;

  async function setUp(options: Parameters<typeof startGitHubApi>[0] = {}) {
    api = await startGitHubApi(options);
    const first = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url, models: "all" },
      event: workflowDispatchEvent(),
    });
    expect(first.exitCode, first.log).toBe(0);
    base = repo.revParse();
    repo.checkout("feature", { create: true });
  }

  beforeEach(async () => {
    target = await openRisingWaveTarget();
    for (const statement of exampleSetupStatements()) await target.query(statement);
    repo = createRepo({
      files: { ...exampleProjectFiles(), "models/marts/legacy_counts.sql": LEGACY_V1 },
    });
  });
  afterEach(async () => {
    await target?.close();
    await api?.close();
    repo?.remove();
  });

  const plan = async (files: Record<string, string>, inputs: Record<string, string> = {}) => {
    const head = repo.commit(files, "change");
    api.addPull({ number: 7, baseSha: base, headSha: head });
    const run = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url, ...inputs },
      event: pullRequestEvent({ number: 7, baseSha: base, headSha: head }),
    });
    expect(run.exitCode, run.log).toBe(0);
    return { run, head };
  };

  const merge = (head: string) =>
    mergePullRequest(repo, api, { number: 7, baseSha: base, headSha: head });

  it("with a GitHub App token (GET /user refused), reuses its one comment over two runs", async () => {
    await setUp({ viewer: APP_BOT, userEndpoint: "forbidden" });
    await plan({ "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 });
    await plan({ "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2.replace("max(", "min(") });
    expect(api.state.comments).toHaveLength(1);
    expect(api.state.comments[0]!.user.login).toBe("rw-deployer[bot]");
    expect(api.state.comments[0]!.body).toContain("min(amount) as largest_order");
    expect(api.calls(POST)).toHaveLength(1);
    expect(api.calls(PATCH)).toHaveLength(1);
    expect(api.calls("GET /user").map((call) => call.status)).toEqual([403, 403]);
  });

  it("with `comment-author`, updates only that bot's comment, not another bot's with our marker", async () => {
    await setUp({ viewer: APP_BOT, userEndpoint: "forbidden" });
    const inputs = { "comment-author": "rw-deployer[bot]" };
    await plan({ "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 }, inputs);
    const ours = api.state.comments[0]!;
    const marker = ours.body.split("\n")[0]!;
    const other = api.addComment({
      issue: 7,
      body: `${marker}\nanother bot's copy`,
      user: { login: "copycat[bot]", id: 9_000_002, type: "Bot" },
    });
    await plan(
      { "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2.replace("max(", "min(") },
      inputs,
    );
    expect(api.state.comments).toHaveLength(2);
    expect(api.state.comments.find((c) => c.id === other.id)!.body).toContain("another bot's copy");
    expect(api.state.comments.find((c) => c.id === ours.id)!.body).toContain("min(amount)");
    expect(api.calls("GET /user")).toEqual([]);
  });

  it("after the merge, posts the result as a new comment and links it from the reviewed plan", async () => {
    await setUp();
    const { head } = await plan({ "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 });
    const planComment = api.state.comments[0]!;
    const reviewed = planComment.body;
    const sha = merge(head);
    const push = () =>
      runAction({
        repo,
        api,
        inputs: { "database-url": target.url },
        event: pushEvent({ before: base, after: sha }),
      });
    const deployed = await push();
    expect(deployed.exitCode, deployed.log).toBe(0);
    expect(api.state.comments).toHaveLength(2);
    const result = api.state.comments[1]!;
    expect(result.body).toMatch(
      /^<!-- risingwave-zero-downtime-deploy result .* commit=[0-9a-f]{40} -->/,
    );
    expect(result.body).toContain("### ✅ Deployed");
    expect(deployed.outputs["comment-url"]).toMatch(new RegExp(`#issuecomment-${result.id}$`));
    // The plan is as reviewed, under one line that points at the result.
    const linked = api.state.comments[0]!.body;
    expect(linked).toContain(
      `[✅ Deployed](https://github.com/acme/analytics/pull/7#issuecomment-${result.id})`,
    );
    expect(
      linked.replace(/<!-- deploy-result-link -->[\s\S]*<!-- \/deploy-result-link -->\n\n/, ""),
    ).toBe(reviewed);

    // Re-running the same deploy job updates its own result; no third comment.
    const again = await push();
    expect(again.exitCode, again.log).toBe(0);
    expect(api.state.comments).toHaveLength(2);
  });

  it("never comments a deploy on an open pull request, even one whose head is the pushed commit", async () => {
    await setUp();
    const head = repo.commit({ "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 }, "release");
    // A release PR from this branch is open; this branch is deployed by a push (not the default
    // branch, so GitHub lists open pull requests for the commit too).
    api.addPull({ number: 9, baseSha: base, headSha: head, baseRef: "production" });
    const run = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: pushEvent({ before: base, after: head, ref: "refs/heads/feature" }),
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(api.calls("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls")[0]!.status).toBe(200);
    expect(JSON.parse(run.outputs.swapped ?? "[]")).toContain("public.customer_totals");
    expect(api.state.comments).toEqual([]);
    expect(api.calls(POST)).toEqual([]);
    expect(run.log).toContain("No merged pull request produced this commit");
  });

  it("keeps one comment per environment, so a staging failure is not hidden behind production", async () => {
    await setUp();
    const files = { "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 };
    await plan(files, { environment: "staging" });
    await plan(files, { environment: "production" });
    await plan(files, { environment: "staging" });
    expect(api.state.comments).toHaveLength(2);
    const titles = api.state.comments.map((c) => inspectComment(c.body).headings[0]);
    expect(titles[0]).toContain("· staging (database");
    expect(titles[1]).toContain("· production (database");
  });

  it("a plan that needs people: every sink and skipped model in the checklist, counts right, a diff per changed model", async () => {
    await setUp();
    await target.query(
      "CREATE SINK public.orders_export FROM public.customer_totals WITH (connector = 'blackhole')",
    );
    await target.query(
      "CREATE MATERIALIZED VIEW public.adhoc_report AS SELECT count(*) AS n FROM public.customer_totals",
    );
    const files = {
      "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2,
      "models/marts/legacy_counts.sql": LEGACY_V2,
      "models/marts/daily_orders.sql": DAILY,
    };
    const { head } = await plan(files);
    const view = inspectComment(api.state.comments[0]!.body);
    expect(view.headings[0]).toMatch(/^⚠️ Deploy plan: shop → schema public · database /);
    expect(view.text).toContain(
      "2 to swap (1 changed, 1 downstream) · 1 to create (1 new) · ⚠️ 1 not applied · ⚠️ 1 sink keeps the previous version · ⚠️ 1 MV keeps the previous version · 3 items need action",
    );
    expect(view.tasks.map((task) => task.split(" ").slice(0, 3).join(" "))).toEqual([
      "⚠️ legacy_counts (SQL",
      "⚠️ sink public.orders_export",
      "⚠️ materialized view",
    ]);
    expect(view.tables).toHaveLength(1);
    expect(view.tables[0]!.headers.length).toBeLessThanOrEqual(5);
    expect(view.tables[0]!.rows.map((row) => row[0])).toEqual([
      "customer_totals",
      "big_spenders",
      "daily_orders",
      "legacy_counts",
    ]);
    const diffs = view.codeBlocks.filter((block) => block.language === "diff").map((b) => b.text);
    expect(diffs).toHaveLength(3);
    expect(diffs.some((diff) => diff.includes("+  max(amount) as largest_order"))).toBe(true);
    expect(diffs.some((diff) => diff.includes("+select count(*) as n, sum(amount) as total"))).toBe(
      true,
    );

    const sha = merge(head);
    const deployed = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: pushEvent({ before: base, after: sha }),
    });
    expect(deployed.exitCode, deployed.log).toBe(0);
    const result = inspectComment(api.state.comments[1]!.body);
    expect(result.headings[0]).toMatch(/^⚠️ Deployed: /);
    expect(result.text).toContain(
      "2 swapped (1 changed, 1 downstream) · 1 created (1 new) · ⚠️ 1 not applied · ⚠️ 1 sink keeps the previous version · ⚠️ 1 MV keeps the previous version · 3 items need action",
    );
    expect(result.tasks[1]).toMatch(
      /^⚠️ sink public\.orders_export reads the previous customer_totals, kept as public\.customer_totals_dbt_zero_down_tmp_\d{8}T\d{6}_\d{6}Z/,
    );
    // The database agrees: the sink reads the kept previous version.
    const readers = await target.query(
      `SELECT r.name FROM rw_catalog.rw_depend d JOIN rw_catalog.rw_relations r ON r.id = d.objid
       JOIN rw_catalog.rw_relations t ON t.id = d.refobjid WHERE t.name LIKE 'customer\\_totals\\_dbt\\_zero\\_down\\_tmp\\_%' ORDER BY 1`,
    );
    expect(readers.map((row) => row.name)).toEqual(
      expect.arrayContaining(["adhoc_report", "orders_export"]),
    );
  });
});
