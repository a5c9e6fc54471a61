import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createRepo,
  defaultToken,
  pullRequestEvent,
  pushEvent,
  runAction,
  scheduleEvent,
  type TempRepo,
} from "../support/action-runner/index.js";
import { readActionMetadata } from "../support/action-runner/action-metadata.js";
import { startGitHubApi } from "../support/github-api/index.js";
import { writeFixtureAction } from "./fixtures.js";

const projectActionYml = fileURLToPath(new URL("../../action.yml", import.meta.url));

let fixture: ReturnType<typeof writeFixtureAction>;
let repo: TempRepo;

beforeAll(() => {
  fixture = writeFixtureAction();
});
afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));
beforeEach(() => {
  repo = createRepo({ files: { "dbt_project.yml": "name: analytics\n" } });
});
afterEach(() => repo.remove());

const json = (text: string | undefined) => JSON.parse(text ?? "null") as Record<string, unknown>;

describe("runAction", () => {
  it("passes inputs as the runner does: hyphens kept, defaults from action.yml, github.token evaluated", async () => {
    const result = await runAction({
      repo,
      actionYml: fixture.actionYml,
      inputs: { "database-url": "postgres://rw@db:4566/dev", "DRY-RUN": "true" },
      event: scheduleEvent(),
    });

    expect(result.exitCode).toBe(0);
    expect(json(result.outputs.inputs)).toEqual({
      "INPUT_DATABASE-URL": "postgres://rw@db:4566/dev",
      "INPUT_DRY-RUN": "true",
      "INPUT_GITHUB-TOKEN": defaultToken,
      INPUT_MIXED_CASE: "spaced",
      "INPUT_OLDER-THAN": "0",
    });
    expect(result.outputs["database-url-via-core"]).toBe("postgres://rw@db:4566/dev");
  });

  it("does not leak the parent's environment into the action", async () => {
    process.env.RWZD_PARENT_PROBE = "leaked";
    process.env.PGPASSWORD = "leaked";
    try {
      const result = await runAction({
        repo,
        actionYml: fixture.actionYml,
        event: scheduleEvent(),
        env: { EXIT_WITH: "0" },
      });
      const names = json(result.outputs["env-names"]) as unknown as string[];
      expect(names).not.toContain("RWZD_PARENT_PROBE");
      expect(names).not.toContain("PGPASSWORD");
      expect(
        names.filter((n) => !/^(PATH|HOME|CI|EXIT_WITH|(GITHUB|RUNNER|INPUT)_.*)$/.test(n)),
      ).toEqual([]);
      expect(result.env.HOME).not.toBe(process.env.HOME);
    } finally {
      delete process.env.RWZD_PARENT_PROBE;
      delete process.env.PGPASSWORD;
    }
  });

  it("parses outputs, summary, annotations, masks and the other file commands", async () => {
    const result = await runAction({ repo, actionYml: fixture.actionYml, event: scheduleEvent() });

    expect(result.outputs.multi).toBe("line one\nline two");
    expect(result.summary).toContain("<h1>Plan</h1>");
    expect(result.summary).toContain("3 models");
    expect(result.annotations).toEqual([
      {
        level: "error",
        message: "broken model\nsecond line",
        file: "models/a,b.sql",
        line: 3,
        title: "SQL: bad",
      },
      { level: "warning", message: "100% sure" },
      { level: "notice", message: "fyi" },
    ]);
    expect(result.masks).toEqual(["s3cret-pw"]);
    expect(result.log).toContain("connecting with ***");
    expect(result.log).not.toContain("s3cret-pw");
    expect(result.stdout).toContain("connecting with s3cret-pw");
    expect(result.log).toContain("::error::not a real error");
    expect(result.log).toContain("to stderr");
    expect(result.stderr).toBe("to stderr\n");
    expect(result.state).toEqual({ phase: "done" });
    expect(result.exportedEnv).toEqual({ EXPORTED: "yes" });
    expect(result.addedPaths).toEqual(["/opt/tool/bin"]);
  });

  it("gives a pull_request run the payload, refs and working directory @actions/github reads", async () => {
    repo.checkout("feature-7", { create: true });
    const headSha = repo.commit({ "models/orders.sql": "select 1" }, "add orders");

    const result = await runAction({
      repo,
      actionYml: fixture.actionYml,
      event: pullRequestEvent({ number: 7, baseSha: repo.baseSha, headSha }),
    });

    const context = json(result.outputs.context);
    expect(context).toMatchObject({
      eventName: "pull_request",
      sha: headSha,
      ref: "refs/pull/7/merge",
      repo: { owner: "acme", repo: "analytics" },
      issueNumber: 7,
      baseRef: "main",
      cwd: repo.dir,
      payload: { pull_request: { base: { sha: repo.baseSha }, head: { sha: headSha } } },
    });
  });

  it("gives a push run GITHUB_SHA = after and the before/after payload", async () => {
    const after = repo.commit({ "models/orders.sql": "select 2" }, "merge");
    const result = await runAction({
      repo,
      actionYml: fixture.actionYml,
      event: pushEvent({ before: repo.baseSha, after }),
    });

    expect(json(result.outputs.context)).toMatchObject({
      eventName: "push",
      sha: after,
      ref: "refs/heads/main",
      payload: { before: repo.baseSha, after, repository: { owner: { login: "acme" } } },
    });
  });

  it("points @actions/github at the stand-in API with the default token", async () => {
    const api = await startGitHubApi({ token: defaultToken });
    try {
      api.addPull({ number: 7, baseSha: repo.baseSha, headSha: repo.baseSha });
      const result = await runAction({
        repo,
        api,
        actionYml: fixture.actionYml,
        event: pullRequestEvent({ number: 7, baseSha: repo.baseSha, headSha: repo.baseSha }),
        env: { POST_COMMENT: "1" },
      });

      expect(result.exitCode).toBe(0);
      expect(result.outputs["comment-url"]).toMatch(
        /^https:\/\/github\.com\/acme\/analytics\/pull\/7#issuecomment-\d+$/,
      );
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]?.headers.authorization).toBe(`token ${defaultToken}`);
      expect(api.unmatched()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("reports the exit code", async () => {
    const result = await runAction({
      repo,
      actionYml: fixture.actionYml,
      event: scheduleEvent(),
      env: { EXIT_WITH: "3" },
    });
    expect(result.exitCode).toBe(3);
  });

  it("fails a run that outlives its timeout, killing what the action started", async () => {
    const started = Date.now();
    await expect(
      runAction({
        repo,
        actionYml: fixture.actionYml,
        event: scheduleEvent(),
        env: { SLEEP_MS: "20000" },
        timeoutMs: 2_000,
      }),
    ).rejects.toThrow(/did not finish within 2000 ms/);
    // The script's `sleep` child holds the output pipes: only killing the group ends the run now.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("refuses inputs action.yml does not declare, and expressions it cannot evaluate", async () => {
    await expect(
      runAction({
        repo,
        actionYml: fixture.actionYml,
        event: scheduleEvent(),
        inputs: { "databse-url": "x" },
      }),
    ).rejects.toThrow(/not declared in action.yml: databse-url/);

    const secretsYml = join(fixture.dir, "secrets.yml");
    writeFileSync(
      secretsYml,
      "inputs:\n  token:\n    default: ${{ secrets.TOKEN }}\nruns:\n  main: action.mjs\n",
    );
    await expect(
      runAction({ repo, actionYml: secretsYml, event: scheduleEvent() }),
    ).rejects.toThrow(/secrets\.TOKEN/);
  });

  it("runs without an action.yml: no defaults, the given inputs only", async () => {
    const result = await runAction({
      repo,
      actionYml: join(fixture.dir, "missing.yml"),
      entry: fixture.script,
      inputs: { "dry-run": "false" },
      event: scheduleEvent(),
    });
    expect(json(result.outputs.inputs)).toEqual({ "INPUT_DRY-RUN": "false" });
  });

  it("says to build when the entry point is missing", async () => {
    await expect(
      runAction({ repo, entry: join(fixture.dir, "dist", "index.js"), event: scheduleEvent() }),
    ).rejects.toThrow(/npm run build/);
  });

  it.skipIf(!existsSync(projectActionYml))(
    "gives every input of this project's action.yml an INPUT_ variable",
    async () => {
      const result = await runAction({
        repo,
        actionYml: projectActionYml,
        entry: fixture.script,
        event: scheduleEvent(),
      });
      const inputs = json(result.outputs.inputs);
      const declared = [...(readActionMetadata(projectActionYml)?.inputs.keys() ?? [])];
      expect(declared.length).toBeGreaterThan(0);
      for (const name of declared) {
        expect(inputs).toHaveProperty([`INPUT_${name.replace(/ /g, "_").toUpperCase()}`]);
      }
      if (
        /github-token:[\s\S]*?default:\s*\$\{\{\s*github\.token\s*\}\}/.test(
          readFileSync(projectActionYml, "utf8"),
        )
      ) {
        expect(inputs["INPUT_GITHUB-TOKEN"]).toBe(defaultToken);
      }
    },
  );
});

describe("createRepo", () => {
  it("makes base and head commits, deletions and branches", () => {
    const base = createRepo({ files: { "models/a.sql": "select 1", "models/b.sql": "select 2" } });
    try {
      base.checkout("feature", { create: true });
      const head = base.commit({ "models/a.sql": "select 10" }, "change a, drop b", {
        delete: ["models/b.sql"],
      });

      expect(base.git("show", `${base.baseSha}:models/b.sql`)).toBe("select 2");
      expect(base.git("show", `${head}:models/a.sql`)).toBe("select 10");
      expect(base.git("ls-tree", "--name-only", "-r", head)).toBe("models/a.sql");
      expect(base.revParse("main")).toBe(base.baseSha);
      expect(base.revParse()).toBe(head);
    } finally {
      base.remove();
    }
  });
});
