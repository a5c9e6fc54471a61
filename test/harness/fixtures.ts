import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const modules = fileURLToPath(new URL("../../node_modules/", import.meta.url));
const moduleUrl = (path: string) => pathToFileURL(join(modules, path)).href;

/**
 * A stand-in for dist/index.js that reports what it was given through the real @actions/core and
 * @actions/github, so the parsing side is checked against what those libraries actually write.
 */
const script = `
import { spawn } from "node:child_process";
import * as core from ${JSON.stringify(moduleUrl("@actions/core/lib/core.js"))};
import * as github from ${JSON.stringify(moduleUrl("@actions/github/lib/github.js"))};

const inputs = Object.fromEntries(
  Object.keys(process.env).filter((name) => name.startsWith("INPUT_")).sort().map((name) => [name, process.env[name]]),
);
core.setOutput("inputs", JSON.stringify(inputs));
core.setOutput("database-url-via-core", core.getInput("database-url"));
core.setOutput("env-names", JSON.stringify(Object.keys(process.env).sort()));
core.setOutput("multi", "line one\\nline two");
const { context } = github;
core.setOutput("context", JSON.stringify({
  eventName: context.eventName, sha: context.sha, ref: context.ref, repo: context.repo,
  issueNumber: context.payload.pull_request ? context.issue.number : null,
  payload: context.payload, cwd: process.cwd(), baseRef: process.env.GITHUB_BASE_REF,
}));

if (process.env.POST_COMMENT) {
  const octokit = github.getOctokit(core.getInput("github-token"));
  const { data } = await octokit.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body: "plan" });
  core.setOutput("comment-url", data.html_url);
}
if (process.env.SLEEP_MS) {
  // A grandchild holding the output pipes, as a hung git or psql would.
  spawn("sleep", [String(Number(process.env.SLEEP_MS) / 1000)], { stdio: "inherit" });
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLEEP_MS)));
}

await core.summary.addHeading("Plan").addRaw("3 models").write();
core.error("broken model\\nsecond line", { file: "models/a,b.sql", startLine: 3, title: "SQL: bad" });
core.warning("100% sure");
core.notice("fyi");
core.setSecret("s3cret-pw");
console.log("connecting with s3cret-pw");
console.log("::stop-commands::pause-token");
console.log("::error::not a real error");
console.log("::pause-token::");
core.saveState("phase", "done");
core.exportVariable("EXPORTED", "yes");
core.addPath("/opt/tool/bin");
console.error("to stderr");
process.exitCode = Number(process.env.EXIT_WITH ?? 0);
`;

const actionYml = `
name: fixture
description: inputs shaped like the product's
inputs:
  database-url:
    description: no default
  dry-run:
    default: auto
  github-token:
    default: \${{ github.token }}
  Mixed Case:
    default: spaced
  older-than:
    default: 0
runs:
  using: node24
  main: action.mjs
`;

/** A folder holding the reporting script (action.mjs) and an action.yml that runs it. */
export function writeFixtureAction(): { dir: string; script: string; actionYml: string } {
  const dir = mkdtempSync(join(tmpdir(), "rwzd-fixture-"));
  writeFileSync(join(dir, "action.mjs"), script);
  writeFileSync(join(dir, "action.yml"), actionYml);
  return { dir, script: join(dir, "action.mjs"), actionYml: join(dir, "action.yml") };
}
