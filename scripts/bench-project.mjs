// Measures loading, rendering and diffing generated dbt projects (default 100, 1,000 and 10,000
// models). Run: node scripts/bench-project.mjs [sizes…]
// Each measurement runs in a fresh process, as the action does (cold caches and JIT). TypeScript
// sources are loaded through Vite's module runner, so no build step or extra dependency is needed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { runnerImport } from "vite";

const root = path.resolve(import.meta.dirname, "..");
const importTs = async (file) => (await runnerImport(path.join(root, file))).module;

if (process.argv[2] === "--measure") {
  const [, , , scenario, repo, base, head] = process.argv;
  console.log(JSON.stringify(await measure(scenario, repo, base, head)));
} else {
  await main(process.argv.slice(2).map(Number).filter(Boolean));
}

async function main(requested) {
  const results = [];
  for (const size of requested.length > 0 ? requested : [100, 1000, 10000]) {
    results.push(await benchSize(size));
  }
  console.log("\nfull comparison (a macro edit: every model compared), one process per row:");
  console.log("models   load 2 revisions   render SQL   diff      total   CPU time");
  for (const r of results) {
    const total = r.full.load + r.full.render + r.full.diff;
    console.log(
      `${pad(r.size, 6)}  ${ms(r.full.load, 17)}  ${ms(r.full.render, 11)}  ${ms(r.full.diff, 8)}  ${ms(total, 9)}  ${ms(r.full.cpu, 9)}`,
    );
  }
  console.log("\npull request (one model file edited; narrowed by the changed files):");
  console.log("models   load 2 revisions   changed files + diff      total   CPU time");
  for (const r of results) {
    const total = r.pr.load + r.pr.diff;
    console.log(
      `${pad(r.size, 6)}  ${ms(r.pr.load, 17)}  ${ms(r.pr.diff, 23)}  ${ms(total, 9)}  ${ms(r.pr.cpu, 9)}`,
    );
  }
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1], results[i]];
    const full = (r) => r.full.load + r.full.render + r.full.diff;
    const pr = (r) => r.pr.load + r.pr.diff;
    console.log(
      `growth ${a.size} → ${b.size} models (×${b.size / a.size}): ` +
        `full ×${(full(b) / full(a)).toFixed(1)}, pull request ×${(pr(b) / pr(a)).toFixed(1)}`,
    );
  }
}

async function benchSize(size) {
  const { generateProject } = await importTs("test/project/generate-project.ts");
  const origin = mkdtempSync(path.join(tmpdir(), `bench-${size}-`));
  const repo = `${origin}-clone`;
  const git = (cwd, ...args) =>
    execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@example.com", ...args], {
      cwd,
      encoding: "utf8",
    }).trim();
  try {
    git(origin, "init", "--quiet");
    generateProject(origin, size);
    git(origin, "add", "-A");
    git(origin, "commit", "--quiet", "-m", "base");
    // A clone, like actions/checkout with fetch-depth: 0, has its objects packed.
    execFileSync("git", ["clone", "--quiet", "--no-local", origin, repo]);
    const base = git(repo, "rev-parse", "HEAD");
    edit(repo, "macros/money.sql", (s) => s.replace("100.0", "100.00"));
    git(repo, "commit", "--quiet", "-am", "macro edit");
    const macroHead = git(repo, "rev-parse", "HEAD");
    git(repo, "checkout", "--quiet", base);
    edit(repo, "models/domain_0/staging/group_0/model_0.sql", (s) =>
      s.replace("id,", "id, 1 as x,"),
    );
    git(repo, "commit", "--quiet", "-am", "one model");
    const prHead = git(repo, "rev-parse", "HEAD");
    const run = (scenario, head) =>
      JSON.parse(
        execFileSync(process.execPath, [
          import.meta.filename,
          "--measure",
          scenario,
          repo,
          base,
          head,
        ]).toString(),
      );
    const full = run("full", macroHead);
    const pr = run("pr", prHead);
    console.log(
      `${size} models: the macro edit changed ${full.changed} models; ` +
        `the pull request changed ${pr.changedModels}`,
    );
    return { size, full, pr };
  } finally {
    rmSync(origin, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
  }
}

async function measure(scenario, repo, base, head) {
  const { loadProject } = await importTs("src/project/index.ts");
  const { computeChangeSet, listChangedFiles } = await importTs("src/changes/index.ts");
  const options = { repoRoot: repo, projectDir: ".", targetSchema: "public", vars: {}, env: {} };
  const cpuStart = process.cpuUsage();
  const cpu = () => {
    const used = process.cpuUsage(cpuStart);
    return (used.user + used.system) / 1000;
  };
  let t = performance.now();
  const lap = () => {
    const elapsed = performance.now() - t;
    t = performance.now();
    return elapsed;
  };
  const baseProject = await loadProject({ ...options, revision: base });
  const headProject = await loadProject({ ...options, revision: head });
  const load = lap();
  if (scenario === "full") {
    for (const project of [baseProject, headProject]) {
      for (const model of project.models.values()) void model.sql;
    }
    const render = lap();
    const changes = computeChangeSet({ base: baseProject, head: headProject });
    return { load, render, diff: lap(), cpu: cpu(), changed: changes.changed.length };
  }
  const changedFiles = await listChangedFiles(repo, base, head);
  const changes = computeChangeSet({ base: baseProject, head: headProject, changedFiles });
  const diff = lap();
  return { load, diff, cpu: cpu(), changedModels: changes.changed.map((c) => c.model).join(", ") };
}

function edit(repo, file, change) {
  const full = path.join(repo, file);
  writeFileSync(full, change(readFileSync(full, "utf8")));
}

function ms(value, width) {
  return `${value.toFixed(0)} ms`.padStart(width);
}

function pad(value, width) {
  return String(value).padStart(width);
}
