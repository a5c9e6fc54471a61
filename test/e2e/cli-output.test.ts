import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionNode } from "../support/node-runtime.js";
import { generateProject } from "../project/generate-project.js";

const cli = fileURLToPath(new URL("../../dist/cli/index.js", import.meta.url));

/** Runs the CLI with stdout and stderr on real pipes, read only after a pause. */
function runThroughPipe(
  cwd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(actionNode().path, [cli, ...args], {
      cwd,
      env: { PATH: process.env.PATH },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // A reader that is slower than the writer: the pipe fills, and whatever the CLI has not handed
    // to the kernel when it exits is lost.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

describe("the CLI's output through a pipe (dist/cli/index.js, offline)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rwzd-cli-pipe-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the whole plan --json, far past a pipe buffer", async () => {
    const project = path.join(dir, "large");
    generateProject(project, 300);
    const result = await runThroughPipe(project, ["plan", "--models", "all", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(3 * 65_536);
    const plan = JSON.parse(result.stdout) as { models: unknown[] };
    expect(plan.models).toHaveLength(300);
  });

  it("names each problem's location once", async () => {
    const project = path.join(dir, "broken");
    generateProject(project, 3);
    writeFileSync(
      path.join(project, "models/domain_0/staging/group_0/model_0.sql"),
      "select 1 as id\nfrom {{ ref('no_such_model') }}\n",
    );
    const result = await runThroughPipe(project, ["plan", "--models", "all"]);
    expect(result.code).toBe(1);
    const line = result.stderr.split("\n").find((text) => text.includes("no_such_model"));
    expect(line).toMatch(/^error: models\/domain_0\/staging\/group_0\/model_0\.sql:2: /);
    expect(line!.match(/model_0\.sql/g)).toHaveLength(1);
  });
});
