// `dry-run: auto` writes only on push, workflow_dispatch and schedule: every other event can carry
// code nobody merged, so the built action dry-runs it, and refuses `dry-run: false` there unless
// `allow-unmerged-deploy` says so on purpose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  issueCommentEvent,
  mergeGroupEvent,
  pullRequestEvent,
  runAction,
  type PullRequestEventName,
  type TempRepo,
  type WorkflowEvent,
} from "../support/action-runner/index.js";
import { startGitHubApi, type GitHubApi } from "../support/github-api/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { CUSTOMER_TOTALS_V2, deployExampleBase } from "../e2e/example-project.js";

const WRITES =
  /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|INSERT|UPDATE|DELETE|SET\s+BACKGROUND_DDL)\b/i;

describe("events whose code may not be merged, through dist/index.js", () => {
  let target: RisingWaveTarget;
  let api: GitHubApi;
  let repo: TempRepo;
  let base: string;
  let head: string;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    api = await startGitHubApi();
    ({ repo, base } = await deployExampleBase(target, api));
    head = repo.commit({ "models/marts/customer_totals.sql": CUSTOMER_TOTALS_V2 }, "change");
    api.addPull({ number: 7, baseSha: base, headSha: head });
  });
  afterAll(async () => {
    await target?.close();
    await api?.close();
    repo?.remove();
  });

  /** Which object each MV name points at: a deploy would change customer_totals' id. */
  const mvIds = async () =>
    Object.fromEntries(
      (
        await target.query<{ name: string; id: number }>(
          "SELECT name, id FROM rw_catalog.rw_materialized_views ORDER BY name",
        )
      ).map((row) => [row.name, Number(row.id)]),
    );

  async function run(event: WorkflowEvent, inputs: Record<string, string> = {}) {
    const before = await mvIds();
    target.clearStatements();
    const result = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url, comment: "false", ...inputs },
      event,
    });
    return {
      result,
      writes: target.statements().filter((sql) => WRITES.test(sql)),
      statements: target.statements(),
      unchanged: JSON.stringify(await mvIds()) === JSON.stringify(before),
    };
  }

  const pullRequestEvents: PullRequestEventName[] = [
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
  ];

  it.each(pullRequestEvents)(
    "%s with dry-run auto validates the pull request's change and writes nothing",
    async (name) => {
      const { result, writes, statements, unchanged } = await run(
        pullRequestEvent({ number: 7, baseSha: base, headSha: head, name }),
      );
      expect(result.exitCode, result.log).toBe(0);
      expect(result.log).toContain("Mode: deploy (dry run: no DDL will be issued)");
      expect(writes).toEqual([]);
      expect(unchanged).toBe(true);
      expect(statements.some((sql) => sql.startsWith("EXPLAIN CREATE MATERIALIZED VIEW"))).toBe(
        true,
      );
      expect(JSON.parse(result.outputs.plan ?? "{}").dryRun).toBe(true);
    },
  );

  it("merge_group dry-runs the queued change against merge_group.base_sha and passes", async () => {
    const { result, writes, unchanged } = await run(
      mergeGroupEvent({ baseSha: base, headSha: head, number: 7 }),
    );
    expect(result.exitCode, result.log).toBe(0);
    expect(writes).toEqual([]);
    expect(unchanged).toBe(true);
    const plan = JSON.parse(result.outputs.plan ?? "{}");
    expect(plan.dryRun).toBe(true);
    expect(plan.models.map((model: { model: string }) => model.model)).toContain("customer_totals");
    expect(result.summary).toContain("Dry run");
  });

  it("issue_comment writes nothing", async () => {
    const { result, writes, unchanged } = await run(
      issueCommentEvent({ number: 7, body: "/deploy please" }),
    );
    expect(writes).toEqual([]);
    expect(unchanged).toBe(true);
    expect(result.log).toContain("Mode: deploy (dry run: no DDL will be issued)");
  });

  it.each<[string, () => WorkflowEvent]>([
    [
      "pull_request_review",
      () =>
        pullRequestEvent({ number: 7, baseSha: base, headSha: head, name: "pull_request_review" }),
    ],
    ["merge_group", () => mergeGroupEvent({ baseSha: base, headSha: head, number: 7 })],
    ["issue_comment", () => issueCommentEvent({ number: 7, body: "/deploy" })],
  ])("%s with dry-run false is refused before connecting", async (_name, event) => {
    const { result, statements, unchanged } = await run(event(), { "dry-run": "false" });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.map((a) => a.message).join("\n")).toMatch(
      /Input `dry-run` is false on a `\w+` event, whose code may not be merged.*allow-unmerged-deploy: true/,
    );
    expect(statements).toEqual([]);
    expect(unchanged).toBe(true);
  });

  it("allow-unmerged-deploy lets a merge queue run deploy on purpose", async () => {
    const { result, writes, unchanged } = await run(
      mergeGroupEvent({ baseSha: base, headSha: head, number: 7 }),
      { "dry-run": "false", "allow-unmerged-deploy": "true" },
    );
    expect(result.exitCode, result.log).toBe(0);
    expect(writes.some((sql) => /SWAP WITH/.test(sql))).toBe(true);
    expect(unchanged).toBe(false);
  });
});
