// npm run demo: the example dbt project (examples/shop) deployed end to end by the real bundled
// action (dist/index.js, run exactly as the Actions runner runs it) against RISINGWAVE_URL or, when
// that is unset, the local RisingWave stand-in the tests use:
//   1. first deploy (workflow_dispatch, models: all): every MV is created;
//   2. a colleague adds a sink on customer_totals by hand; a pull request changes customer_totals:
//      the dry-run plan comment, validated with EXPLAIN, no DDL, asks to move the sink;
//   3. the merge (push): customer_totals and its downstream big_spenders are swapped in with zero
//      downtime while readers query customer_totals; a new result comment on the merged pull
//      request lists the preserved temporary MVs, and the plan comment links to it.
// The helpers it uses are TypeScript test support, loaded through Vite's module runner.
import { existsSync } from "node:fs";
import path from "node:path";
import { runnerImport } from "vite";

const root = path.resolve(import.meta.dirname, "..");
if (!existsSync(path.join(root, "dist/index.js"))) {
  console.error("dist/index.js is missing: run `npm run build` first.");
  process.exit(1);
}
const load = async (file) => (await runnerImport(path.join(root, file))).module;
const { startUpstream } = await load("test/support/risingwave/upstream.ts");
const { openTargetOn } = await load("test/support/risingwave/target.ts");
const runner = await load("test/support/action-runner/index.ts");
const { startGitHubApi } = await load("test/support/github-api/index.ts");
const example = await load("test/e2e/example-project.ts");
const { startReaders } = await load("test/e2e/readers.ts");

const banner = (text) => console.log(`\n${"━".repeat(100)}\n${text}\n${"━".repeat(100)}`);
const showLog = (log) =>
  console.log(
    log
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .map((line) =>
        line.replace(/^::(group|endgroup)::/, (_, kind) => (kind === "group" ? "▶ " : "")),
      )
      .filter((line) => line !== "")
      .join("\n"),
  );

const upstream = await startUpstream();
console.log(`RisingWave target: ${upstream.info.describe}; ${upstream.info.reason}`);
const target = await openTargetOn(upstream.info);
const api = await startGitHubApi();
const repo = runner.createRepo({ files: example.exampleProjectFiles() });
let exitCode = 0;
try {
  for (const statement of example.exampleSetupStatements()) await target.query(statement);
  const inputs = { "database-url": target.url };

  banner("1. First deploy (workflow_dispatch, models: all)");
  const first = await runner.runAction({
    repo,
    api,
    inputs: { ...inputs, models: "all" },
    event: runner.workflowDispatchEvent(),
  });
  showLog(first.log);
  console.log(`\noutputs.created = ${first.outputs.created}`);
  if (first.exitCode !== 0) throw new Error("the first deploy failed");

  banner("2. Pull request #7 changes customer_totals (adds largest_order): dry run, no DDL");
  // A sink nobody told dbt about reads customer_totals: the plan must say it needs moving.
  await target.query(
    "CREATE SINK public.orders_export FROM public.customer_totals WITH (connector = 'blackhole')",
  );
  const base = repo.revParse();
  repo.checkout("add-largest-order", { create: true });
  const head = repo.commit(
    { "models/marts/customer_totals.sql": example.CUSTOMER_TOTALS_V2 },
    "customer_totals: add largest_order",
  );
  api.addPull({ number: 7, baseSha: base, headSha: head });
  target.clearStatements();
  const preview = await runner.runAction({
    repo,
    api,
    inputs,
    event: runner.pullRequestEvent({ number: 7, baseSha: base, headSha: head }),
  });
  showLog(preview.log);
  const ddl = target
    .statements()
    .filter((sql) => /^\s*(CREATE|ALTER|DROP|GRANT|COMMENT)\b/i.test(sql));
  console.log(`\nDDL statements the database received during the dry run: ${ddl.length}`);
  const plan = api.state.comments.find((comment) => comment.issue_number === 7);
  if (plan) console.log(`\nPull request #7 comment:\n${plan.body}`);

  banner("3. Merge to main (push): zero-downtime swap while 4 readers query customer_totals");
  repo.checkout("main");
  repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7", "add-largest-order");
  const mergeSha = repo.revParse();
  api.addPull({ number: 7, baseSha: base, headSha: head, merged: true, mergeCommitSha: mergeSha });
  const readers = startReaders(target.url, "SELECT count(*) FROM public.customer_totals");
  const merge = await runner.runAction({
    repo,
    api,
    inputs,
    event: runner.pushEvent({ before: base, after: mergeSha }),
  });
  const stats = await readers.stop();
  showLog(merge.log);
  console.log(`\noutputs.swapped            = ${merge.outputs.swapped}`);
  console.log(`outputs.preserved-temp-mvs = ${merge.outputs["preserved-temp-mvs"]}`);
  console.log(
    `readers during the deploy: ${stats.reads} reads, ${stats.errors.length} errors, longest read ${stats.longestStallMs} ms`,
  );
  const rows = await target.query(
    "SELECT customer_id, order_count, total_amount, largest_order FROM public.customer_totals ORDER BY customer_id",
  );
  console.log("\ncustomer_totals now:");
  console.table(rows);
  const comments = api.state.comments.filter((comment) => comment.issue_number === 7);
  console.log(
    `\nPull request #7 now has ${comments.length} comments (the plan, and the new result).`,
  );
  if (comments[1]) console.log(`\nResult comment:\n${comments[1].body}`);
  if (comments[0])
    console.log(
      `\nPlan comment, first lines:\n${comments[0].body.split("\n").slice(0, 6).join("\n")}`,
    );
  if (merge.exitCode !== 0 || stats.errors.length > 0) exitCode = 1;
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  repo.remove();
  await api.close();
  await target.close();
  await upstream.stop();
}
process.exit(exitCode);
