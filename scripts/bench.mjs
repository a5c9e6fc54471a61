// npm run bench: figures for issue 7, against RISINGWAVE_URL when set, else the local RisingWave
// stand-in the tests use (test/support/risingwave/upstream.ts decides):
//   1. load + render + plan time of generated dbt projects of 100, 1,000 and 10,000 models;
//   2. statements one dry-run deploy of dist/index.js sends for 10 and 1,000 models: the rw_catalog
//      reads must not grow with the model count (EXPLAINs do, one per model, by design);
//   3. dist/index.js start-up time, to a failing input validation, under the action's Node;
//   4. reads done, failed and the longest read stall while a zero-downtime deploy swaps one MV
//      under 8 concurrent readers;
//   5. the whole action (dist/index.js) planning 10,000 generated models offline, median of 5,
//      each run paired with one of a fixed earlier bundle for the machine's pace (run second,
//      after part 3);
//   6. issue 12's staged deploy: 4 independent MVs at max-parallel 1 and 4, and the mixed-version
//      window of a chain under readers, model by model (the release before) and staged.
// Exits 1 when a claim does not hold or could not be measured (a read failed, catalog reads grew,
// a dry run wrote, part 1 or part 5 slower than its bound), 2 when the whole bench overruns its time budget. The parts live in
// scripts/bench/; the TypeScript they call is loaded through Vite's module runner (no build
// needed, except dist/index.js itself for parts 2–4).
import { existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { benchCatalogQueries } from "./bench/catalog-queries.mjs";
import { loadEntry, root } from "./bench/load.mjs";
import { benchOfflinePlan } from "./bench/offline-plan.mjs";
import { benchPlanScale } from "./bench/plan-scale.mjs";
import { checkClaims, renderReport } from "./bench/report.mjs";
import { benchStartup } from "./bench/startup.mjs";
import { firstLine } from "./bench/text.mjs";
import { benchStagedDeploy } from "./bench/staged-deploy.mjs";
import { checkStagedClaims, renderStagedReport } from "./bench/staged-report.mjs";
import { benchZeroDowntime } from "./bench/zero-downtime.mjs";

const BUDGET_MS = 14 * 60_000;
const PLAN_SIZES = [100, 1_000, 10_000];
const PLAN_REPEATS = 2;
const DRY_RUN_SIZES = [10, 1_000];
const STARTUP_RUNS = 10;
const READERS = 8;
const SOURCE_ROWS = 100_000;
const OFFLINE_PLAN = { size: 10_000, runs: 5, timeoutMs: 120_000 };

const entry = path.join(root, "dist/index.js");
if (!existsSync(entry)) {
  console.error("dist/index.js is missing: run `npm run build` first.");
  process.exit(1);
}
const started = performance.now();
const progress = (line) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
setTimeout(() => {
  console.error(`bench: over its ${BUDGET_MS / 60_000}-minute budget; stopping.`);
  process.exit(2);
}, BUDGET_MS).unref();

const support = await loadEntry("support-modules.mjs");
const node = support.actionNode();
const cpus = os.cpus();
const machine =
  `machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ` +
  `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, load average ${os.loadavg()[0].toFixed(1)} at start, ` +
  `Node ${process.version} ` +
  `(bench, part 1) / ${node.version} (dist/index.js, ${node.source})`;
const stale = newerSources(statSync(entry).mtimeMs);
if (stale.length > 0) {
  progress(
    `note: ${stale.length} file(s) under src/ are newer than dist/index.js (e.g. ${stale[0]}); ` +
      "parts 2–4 measure the bundle as last built",
  );
}

progress("part 3: start-up");
let startup;
try {
  startup = benchStartup(node, entry, STARTUP_RUNS);
} catch (error) {
  startup = { error: firstLine(error) };
}

// Part 5, like part 3, times whole processes: it runs before part 1 fills this process's heap
// and before the target starts. Run after parts 1–4, the same bundle measured 1,706 ms where it
// measured 1,462 ms alone a minute later.
const api = await support.startGitHubApi();
const offline = await benchOfflinePlan(support, api, OFFLINE_PLAN, progress);

const plan = await benchPlanScale(
  support,
  PLAN_SIZES,
  PLAN_REPEATS,
  (size) => 60_000 + size * 20,
  progress,
);

progress("starting the RisingWave target");
const upstream = await support.startUpstream();
const target = `target: ${upstream.info.describe}; ${upstream.info.reason}`;
let catalog;
let swap;
let staged;
try {
  catalog = await benchCatalogQueries(
    support,
    upstream,
    api,
    DRY_RUN_SIZES,
    (size) => 60_000 + size * 240,
    progress,
  );
  swap = await benchZeroDowntime(
    support,
    upstream,
    api,
    { readers: READERS, rows: SOURCE_ROWS, timeoutMs: 120_000 },
    progress,
  );
  staged = await benchStagedDeploy(support, upstream, api, progress).catch((error) => ({
    error: firstLine(error),
  }));
} finally {
  await api.close();
  await upstream.stop();
}

const results = { machine, target, plan, catalog, startup, swap, offline };
console.log(`\n${renderReport(results)}\n${renderStagedReport(staged).join("\n")}\n`);
const checks = [...checkClaims(results), ...checkStagedClaims(staged)];
console.log("checks:");
for (const check of checks) console.log(`  ${check.ok ? "ok  " : "FAIL"} ${check.text}`);
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(checks.every((check) => check.ok) ? 0 : 1);

/** src/ files modified after dist/index.js was built, newest first. */
function newerSources(builtMs) {
  const newer = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, name.name);
      if (name.isDirectory()) walk(full);
      else {
        const mtime = statSync(full).mtimeMs;
        if (mtime > builtMs) newer.push([mtime, path.relative(root, full)]);
      }
    }
  };
  walk(path.join(root, "src"));
  return newer.sort((a, b) => b[0] - a[0]).map(([, file]) => file);
}
