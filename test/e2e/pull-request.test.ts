import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  pullRequestEvent,
  pushEvent,
  runAction,
  type TempRepo,
} from "../support/action-runner/index.js";
import { startGitHubApi, type GitHubApi } from "../support/github-api/index.js";
import { inspectComment } from "../support/gfm/render.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { deployExampleBase } from "./example-project.js";
import { mergePullRequest } from "./merge.js";

const DDL = /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|SET\s+BACKGROUND_DDL)\b/i;
const COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";

function totalsWith(extra: string): string {
  return `{{ config(indexes=[{'columns': ['customer_id']}]) }}
select customer_id, count(*) as order_count, sum(amount) as total_amount${extra}
from {{ ref('stg_orders') }}
group by customer_id
`;
}

describe("pull request reports through dist/index.js", () => {
  let target: RisingWaveTarget;
  let api: GitHubApi;
  let repo: TempRepo;
  let base: string;

  beforeEach(async () => {
    target = await openRisingWaveTarget();
    api = await startGitHubApi();
    ({ repo, base } = await deployExampleBase(target, api));
  });
  afterEach(async () => {
    await target?.close();
    await api?.close();
    repo?.remove();
  });

  const openPull = (files: Record<string, string>) => {
    const head = repo.commit(files, "change");
    api.addPull({ number: 7, baseSha: base, headSha: head });
    return { event: pullRequestEvent({ number: 7, baseSha: base, headSha: head }), head };
  };

  it("posts one comment with the plan, issues no DDL, and updates that same comment on the next run", async () => {
    const { event } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order"),
    });
    target.clearStatements();
    const first = await runAction({ repo, api, inputs: { "database-url": target.url }, event });
    expect(first.exitCode, first.log).toBe(0);
    expect(target.statements().filter((sql) => DDL.test(sql))).toEqual([]);
    expect(target.statements().some((sql) => /^EXPLAIN CREATE MATERIALIZED VIEW/.test(sql))).toBe(
      true,
    );

    expect(api.state.comments).toHaveLength(1);
    const comment = api.state.comments[0]!;
    expect(comment.body).toContain("### ✅ Deploy plan: `shop` → schema `public`");
    expect(comment.body).toContain("**2 to swap (1 changed, 1 downstream)**");
    expect(comment.body).toContain(
      "Dry run: no DDL issued; each new definition was checked with `EXPLAIN`.",
    );
    expect(comment.body).toContain("| `customer_totals` | swap | changed: SQL | ✅ valid |");
    expect(comment.body).toContain(
      "| `big_spenders` | swap | downstream of `customer_totals` | ✅ valid |",
    );
    expect(comment.body).toContain(
      "\n+select customer_id, count(*) as order_count, sum(amount) as total_amount, max(amount) as largest_order\n",
    );
    expect(first.outputs["comment-url"]).toMatch(new RegExp(`/pull/7#issuecomment-${comment.id}$`));
    expect(first.summary).toContain("✅ Deploy plan");
    // Every request pins the REST API version and names the action.
    for (const request of api.requests) {
      expect(request.headers["x-github-api-version"]).toBe("2022-11-28");
      expect(request.headers["user-agent"]).toMatch(
        /^risingwave-zero-downtime-deploy\/\d+\.\d+\.\d+ /,
      );
    }

    const { event: second } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", min(amount) as smallest_order"),
    });
    const again = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: second,
    });
    expect(again.exitCode, again.log).toBe(0);
    expect(api.state.comments).toHaveLength(1);
    expect(api.state.comments[0]!.body).toContain("min(amount) as smallest_order");
    expect(api.calls("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")).toHaveLength(1);

    const unchanged = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: second,
    });
    expect(unchanged.exitCode).toBe(0);
    expect(api.calls("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")).toHaveLength(1);
    expect(api.calls(COMMENTS).length).toBeGreaterThanOrEqual(3);
    expect(api.unmatched()).toEqual([]);
  });

  it("leaves other users' comments with the marker alone", async () => {
    const { event } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order"),
    });
    const first = await runAction({ repo, api, inputs: { "database-url": target.url }, event });
    expect(first.exitCode, first.log).toBe(0);
    const marker = api.state.comments[0]!.body.split("\n")[0]!;
    expect(marker).toMatch(
      /^<!-- risingwave-zero-downtime-deploy plan .*target=db:[0-9a-f]{12} -->$/,
    );
    // A person pastes our marker later: newer than ours, but never ours.
    const human = api.addComment({
      issue: 7,
      body: `${marker} quoted by a human`,
      user: { login: "octocat", id: 583231, type: "User" },
    });
    const { event: second } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", min(amount) as smallest_order"),
    });
    const result = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: second,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(api.state.comments).toHaveLength(2);
    expect(api.state.comments.find((c) => c.id === human.id)!.body).toBe(
      `${marker} quoted by a human`,
    );
    expect(api.state.comments[0]!.body).toContain("smallest_order");
  });

  it("annotates invalid model SQL on its file, fails, and issues no DDL", async () => {
    const { event } = openPull({
      "models/staging/stg_orders.sql":
        "select id, customer_id, amount, no_such_column\nfrom {{ source('shop', 'orders') }}\n",
    });
    target.clearStatements();
    const result = await runAction({ repo, api, inputs: { "database-url": target.url }, event });
    expect(result.exitCode).toBe(1);
    expect(target.statements().filter((sql) => DDL.test(sql))).toEqual([]);
    const error = result.annotations.find(
      (annotation) => annotation.level === "error" && annotation.file,
    );
    expect(error).toMatchObject({ file: "models/staging/stg_orders.sql" });
    expect(error?.message).toContain("no_such_column");
    const body = api.state.comments[0]?.body ?? "";
    expect(body).toContain("### ❌ Deploy plan");
    expect(body).toContain("❌ 1 invalid");
    expect(body).toMatch(
      /- \[ \] ❌ `stg_orders` \(`models\/staging\/stg_orders.sql`\): RisingWave rejects the new SQL/,
    );
  });

  it("replaces the plan in the comment with the errors when a later push breaks the project", async () => {
    const { event } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order"),
    });
    expect(
      (await runAction({ repo, api, inputs: { "database-url": target.url }, event })).exitCode,
    ).toBe(0);
    const { event: broken } = openPull({
      "models/marts/big_spenders.sql": "select * from {{ ref('customer_total') }}",
    });
    const result = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: broken,
    });
    expect(result.exitCode).toBe(1);
    expect(api.state.comments).toHaveLength(1);
    const body = api.state.comments[0]!.body;
    expect(body).toContain("### ❌ No plan could be made");
    expect(body).toContain("**Nothing was deployed (no DDL was issued).**");
    expect(body).toContain("- [ ] ❌ `models/marts/big_spenders.sql:1`: ");
    expect(inspectComment(body).tasks).toEqual([
      "❌ models/marts/big_spenders.sql:1: model big_spenders refs unknown model 'customer_total'. Did you mean 'customer_totals'?",
    ]);
    expect(body).not.toContain("| swap |");
    expect(result.summary).toContain("No plan could be made");
  });

  it("renders the plan offline without credentials and says what could not be checked", async () => {
    const { event } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order"),
    });
    const result = await runAction({ repo, api, inputs: {}, event });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain("No database credentials");
    const body = api.state.comments[0]?.body ?? "";
    expect(body).toContain("Dry run, planned offline (no database credentials): no DDL issued.");
    expect(body).toContain("offline: no database credentials");
    expect(body).toContain("| `customer_totals` | swap | changed: SQL | not checked (offline) |");
  });

  it("keeps a deploy green when the API answers 403, with a warning", async () => {
    const { event } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order"),
    });
    api.fail("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", 403, {
      message: "Resource not accessible by integration",
    });
    const result = await runAction({ repo, api, inputs: { "database-url": target.url }, event });
    expect(result.exitCode, result.log).toBe(0);
    const warning = result.annotations.find((annotation) => annotation.level === "warning");
    expect(warning?.message).toContain("Could not write the pull request comment (HTTP 403)");
    expect(result.summary).toContain("customer_totals");
  });

  it("comments on the merged pull request after the push, listing preserved temp MVs and their readers", async () => {
    const { head } = openPull({
      "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order"),
    });
    await target.query(
      "CREATE MATERIALIZED VIEW public.adhoc AS SELECT count(*) AS n FROM public.customer_totals",
    );
    const merge = mergePullRequest(repo, api, { number: 7, baseSha: base, headSha: head });

    const result = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: pushEvent({ before: base, after: merge }),
    });
    expect(result.exitCode, result.log).toBe(0);
    const preserved: string[] = JSON.parse(result.outputs["preserved-temp-mvs"] ?? "[]");
    const totalsTemp = preserved.find((name) =>
      name.startsWith("public.customer_totals_dbt_zero_down_tmp_"),
    );
    expect(totalsTemp).toBeDefined();

    expect(api.state.comments).toHaveLength(1);
    const body = api.state.comments[0]!.body;
    expect(body).toContain("### ⚠️ Deployed: `shop` → schema `public`");
    expect(body).toContain(
      "**2 swapped (1 changed, 1 downstream) · ⚠️ 1 MV keeps the previous version**",
    );
    expect(body).toContain(
      `- [ ] ⚠️ materialized view \`public.adhoc\` reads the previous \`customer_totals\`, kept as \`${totalsTemp}\``,
    );
    expect(body).toContain("**Previous versions kept** under their temporary names:");
    expect(body).toContain(
      `- \`${totalsTemp}\`: still read by \`public.adhoc\` (materialized view)`,
    );
    // Nothing offers to drop what adhoc still reads.
    expect(body).not.toContain(
      `DROP MATERIALIZED VIEW IF EXISTS "public"."${totalsTemp!.slice("public.".length)}";`,
    );
    expect(result.outputs["comment-url"]).toMatch(
      new RegExp(`/pull/7#issuecomment-${api.state.comments[0]!.id}$`),
    );
  });

  it("writes the job summary only when a push has no pull request", async () => {
    repo.checkout("main");
    const head = repo.commit(
      { "models/marts/customer_totals.sql": totalsWith(", max(amount) as largest_order") },
      "direct push",
    );
    const result = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: pushEvent({ before: base, after: head }),
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(api.state.comments).toHaveLength(0);
    expect(result.log).toContain("No merged pull request produced this commit");
    expect(result.summary).toContain("### ✅ Deployed");
  });
});
