import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo, type TempRepo } from "../support/action-runner/index.js";
import { actionNode } from "../support/node-runtime.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { exampleProjectFiles, exampleSetupStatements } from "./example-project.js";

const cli = fileURLToPath(new URL("../../dist/cli/index.js", import.meta.url));
const run = promisify(execFile);

describe("the CLI (dist/cli/index.js)", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;

  const rwzd = (...args: string[]) =>
    run(actionNode().path, [cli, ...args], {
      cwd: repo.dir,
      env: { PATH: process.env.PATH, RISINGWAVE_URL: target.url },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    for (const statement of exampleSetupStatements()) await target.query(statement);
    repo = createRepo({ files: exampleProjectFiles() });
  });
  afterAll(async () => {
    await target?.close();
    repo?.remove();
  });

  it("plans without DDL, deploys, and lists and sweeps temporary MVs", async () => {
    target.clearStatements();
    const plan = await rwzd("plan", "--models", "all", "--json");
    expect(JSON.parse(plan.stdout).models.map((model: { action: string }) => model.action)).toEqual(
      ["create", "create", "create"],
    );
    expect(target.statements().filter((sql) => /^\s*(CREATE|ALTER|DROP)/i.test(sql))).toEqual([]);

    const deploy = await rwzd("deploy", "--models", "all");
    expect(deploy.stdout).toContain("### ✅ Deployed: `shop` → schema `public`");
    const again = await rwzd("deploy", "--models", "customer_totals", "--zero-downtime", "all");
    expect(again.stdout).toContain("| `customer_totals` | swap |");

    target.clearStatements();
    const wouldRollBack = await rwzd("rollback", "--dry-run");
    expect(wouldRollBack.stdout).toContain("### ⚠️ Rollback plan");
    expect(target.statements().filter((sql) => /^\s*(CREATE|ALTER|DROP)/i.test(sql))).toEqual([]);
    const rolledBack = await rwzd("rollback");
    expect(rolledBack.stdout).toContain("### ✅ Rolled back");
    expect(rolledBack.stdout).toMatch(/\| `public\.customer_totals` \| .* \| rolled back \|/);

    const list = await rwzd("list");
    expect(list.stdout).toMatch(
      /`public\.customer_totals_dbt_zero_down_tmp_\d{8}T\d{6}_\d{6}Z` \| `customer_totals`/,
    );
    const sweep = await rwzd("cleanup");
    expect(sweep.stdout).toContain("Dropped 2 of 2 temporary MV(s)");
  });

  it("explains usage and refuses unknown commands", async () => {
    const result = (await rwzd("frobnicate")) as { code?: number; stdout: string };
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Usage: rw-zero-downtime <command>");
  });
});
