import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRepo,
  pullRequestEvent,
  pushEvent,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { maxCommentLength, startGitHubApi, type GitHubApi } from "../support/github-api/index.js";
import { inspectComment } from "../support/gfm/render.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { exampleSetupStatements } from "./example-project.js";
import { mergePullRequest } from "./merge.js";

const MODELS = 200;
const READERS = 40;
const name = (i: number) => `m_${String(i).padStart(3, "0")}`;

function project(factor: number): Record<string, string> {
  const files: Record<string, string> = {
    "dbt_project.yml": `name: wide\nversion: "1.0.0"\nconfig-version: 2\nprofile: risingwave\nmodel-paths: ["models"]\nvars:\n  factor: ${factor}\nmodels:\n  wide:\n    +materialized: materialized_view\n    +zero_downtime:\n      enabled: true\n`,
    "models/sources.yml":
      "version: 2\nsources:\n  - name: shop\n    schema: public\n    tables:\n      - name: orders\n",
  };
  for (let i = 0; i < MODELS; i++) {
    files[`models/${name(i)}.sql`] =
      `{{ config(indexes=[{'columns': ['customer_id']}]) }}\n` +
      `select customer_id,\n  count(*) as orders_${i},\n  sum(amount) * {{ var('factor') }} as total_${i},\n` +
      `  max(amount) as largest_${i}\nfrom {{ source('shop', 'orders') }}\ngroup by customer_id\n`;
  }
  return files;
}

/**
 * GitHub refuses a comment over 65,536 characters with 422 (the stand-in too), and a refused
 * report leaves the pull request showing the stale plan. A var change that rebuilds 200 MVs,
 * 40 of them read by hand-made MVs, is the size that used to be refused.
 */
describe("a 200-model deploy report through dist/index.js", () => {
  let target: RisingWaveTarget;
  let api: GitHubApi;
  let repo: TempRepo;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    api = await startGitHubApi();
    for (const statement of exampleSetupStatements()) await target.query(statement);
    repo = createRepo({ files: project(1) });
    const first = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url, models: "all" },
      event: workflowDispatchEvent(),
    });
    expect(first.exitCode, first.log).toBe(0);
    for (let i = 0; i < READERS; i++) {
      await target.query(
        `CREATE MATERIALIZED VIEW public.report_${i} AS SELECT count(*) AS n FROM public.${name(i)}`,
      );
    }
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    await api?.close();
    repo?.remove();
  });

  it("stays under GitHub's limit and is accepted, with the checklist whole and the full SQL in the summary", async () => {
    const base = repo.revParse();
    repo.checkout("feature", { create: true });
    const head = repo.commit(project(2), "factor 2");
    api.addPull({ number: 7, baseSha: base, headSha: head });
    const planned = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: pullRequestEvent({ number: 7, baseSha: base, headSha: head }),
    });
    expect(planned.exitCode, planned.log).toBe(0);

    const sha = mergePullRequest(repo, api, { number: 7, baseSha: base, headSha: head });
    const deployed = await runAction({
      repo,
      api,
      inputs: { "database-url": target.url },
      event: pushEvent({ before: base, after: sha }),
      timeoutMs: 240_000,
    });
    expect(deployed.exitCode, deployed.log).toBe(0);
    expect(JSON.parse(deployed.outputs.swapped ?? "[]")).toHaveLength(MODELS);

    const posts = api.calls("POST /repos/{owner}/{repo}/issues/{issue_number}/comments");
    expect(posts.map((post) => post.status)).toEqual([201, 201]);
    expect(api.state.comments).toHaveLength(2);
    for (const comment of api.state.comments) {
      expect([...comment.body].length).toBeLessThan(maxCommentLength);
    }
    const result = inspectComment(api.state.comments[1]!.body);
    expect(result.text).toContain(
      `${MODELS} swapped (${MODELS} changed) · ⚠️ ${READERS} MVs keep the previous version`,
    );
    // Every hand-made reader is in the checklist, each named.
    expect(result.tasks).toHaveLength(READERS);
    for (let i = 0; i < READERS; i++) {
      expect(result.tasks.some((task) => task.includes(`public.report_${i} reads`))).toBe(true);
    }
    expect(result.tables).toHaveLength(1);
    expect(result.tables[0]!.headers.length).toBeLessThanOrEqual(5);
    const note = result.text.slice(result.text.indexOf("Left out to stay under"));
    expect(note).toContain("job summary has the full report");
    // The summary carries what the comment left out: a diff for every model.
    const summary = inspectComment(deployed.summary);
    expect(summary.codeBlocks.filter((block) => block.language === "diff")).toHaveLength(MODELS);
    expect(summary.text).not.toContain("Left out");
  }, 300_000);
});
