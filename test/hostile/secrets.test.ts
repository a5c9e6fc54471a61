// A pull request's models are hostile: they must not read the action's secrets, and no secret
// may reach anything GitHub shows, whatever path it takes. Run through dist/index.js, with a
// database password full of characters that URLs, JSON and workflow commands escape.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRepo,
  pullRequestEvent,
  runAction,
  workflowDispatchEvent,
  type RunResult,
  type TempRepo,
  type WorkflowEvent,
} from "../support/action-runner/index.js";
import { startGitHubApi, type GitHubApi } from "../support/github-api/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { HOSTILE_PROJECT } from "./hostile-project.js";

const PASSWORD = `p@ss:w/rd%41!#s3cr3t,"x${randomBytes(3).toString("hex")}`;
const TOKEN = `ghs_${randomBytes(18).toString("hex")}`;
const KAFKA = `kafka-${randomBytes(6).toString("hex")}`;
const PGPASSWORD = `pg-${randomBytes(6).toString("hex")}`;

describe("secrets through dist/index.js", () => {
  let target: RisingWaveTarget;
  let api: GitHubApi;
  let url: string;
  const user = `deployer_${randomBytes(4).toString("hex")}`;
  const repos: TempRepo[] = [];

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    api = await startGitHubApi();
    await target.query(
      `CREATE USER ${user} WITH SUPERUSER PASSWORD '${PASSWORD.replace(/'/g, "''")}'`,
    );
    const proxy = new URL(target.url);
    url = `postgres://${user}:${encodeURIComponent(PASSWORD)}@${proxy.host}${proxy.pathname}`;
    await target.query("CREATE TABLE public.events (id INT, kind VARCHAR)");
  });
  afterAll(async () => {
    for (const repo of repos) repo.remove();
    await target?.query(`DROP OWNED BY ${user}`).catch(() => undefined);
    await target?.query(`DROP USER ${user}`).catch(() => undefined);
    await target?.close();
    await api?.close();
  });

  /** Every spelling of every secret this run knows. */
  const spellings = () => [
    PASSWORD,
    encodeURIComponent(PASSWORD),
    JSON.stringify(PASSWORD).slice(1, -1),
    url,
    TOKEN,
    KAFKA,
    PGPASSWORD,
  ];

  /** Where each secret showed up: stdout (less the mask commands), stderr, outputs, summary, annotations, GitHub requests. */
  function leaks(result: RunResult): string[] {
    const places: Record<string, string> = {
      stdout: result.stdout
        .split("\n")
        .filter((line) => !line.startsWith("::add-mask::"))
        .join("\n"),
      stderr: result.stderr,
      outputs: JSON.stringify(result.outputs),
      summary: result.summary,
      annotations: JSON.stringify(result.annotations),
      "GitHub requests": JSON.stringify(
        api.requests.map(({ method, path, query, body }) => ({ method, path, query, body })),
      ),
    };
    return Object.entries(places).flatMap(([place, text]) =>
      spellings()
        .filter((secret) => text.includes(secret))
        .map((secret) => `${place} holds ${JSON.stringify(secret.slice(0, 12))}…`),
    );
  }

  async function runWith(
    files: Record<string, string>,
    event: (base: string, head: string) => WorkflowEvent,
    inputs: Record<string, string> = {},
  ) {
    const repo = createRepo({
      files: { "dbt_project.yml": HOSTILE_PROJECT, "models/base.sql": "select 1 as x" },
    });
    repos.push(repo);
    const base = repo.revParse();
    const head = repo.commit(files, "change");
    api.addPull({ number: 11, baseSha: base, headSha: head });
    api.requests.splice(0);
    target.clearStatements();
    const result = await runAction({
      repo,
      api,
      token: TOKEN,
      inputs: { "database-url": url, ...inputs },
      env: { GITHUB_TOKEN: TOKEN, DBT_ENV_SECRET_KAFKA: KAFKA, PGPASSWORD },
      event: event(base, head),
    });
    return { result, statements: target.statements() };
  }

  const pullRequest = (base: string, head: string) =>
    pullRequestEvent({ number: 11, baseSha: base, headSha: head });

  it("refuses a pull request's env_var() of the action's secrets, and no secret reaches GitHub", async () => {
    const { result, statements } = await runWith(
      {
        "models/url.sql": `select '{{ env_var('INPUT_DATABASE-URL') }}' as u`,
        "models/token.sql": `select '{{ env_var('INPUT_GITHUB-TOKEN', 'none') }}' as t`,
        "models/workflow_token.sql": `select '{{ env_var('GITHUB_TOKEN', 'none') }}' as t`,
        "models/pg.sql": `select '{{ env_var('PGPASSWORD', 'none') }}' as p`,
        "models/kafka.sql": `{{ config(post_hook="select '" ~ env_var('DBT_ENV_SECRET_KAFKA', 'x') ~ "'") }}select 1 as k`,
      },
      pullRequest,
    );
    expect(result.exitCode).toBe(1);
    expect(leaks(result)).toEqual([]);
    const errors = result.annotations.filter((annotation) => annotation.level === "error");
    for (const [file, name] of [
      ["models/url.sql", "INPUT_DATABASE-URL"],
      ["models/token.sql", "INPUT_GITHUB-TOKEN"],
      ["models/workflow_token.sql", "GITHUB_TOKEN"],
      ["models/pg.sql", "PGPASSWORD"],
    ]) {
      const error = errors.find((annotation) => annotation.file === file);
      expect(error?.message, JSON.stringify(errors)).toContain(
        `environment variable '${name}' is set, but the project may not read it`,
      );
    }
    expect(errors.find((annotation) => annotation.file === "models/kafka.sql")?.message).toContain(
      "Secret env vars are allowed only in profiles.yml or packages.yml. Found 'DBT_ENV_SECRET_KAFKA' referenced elsewhere.",
    );
    // The failure report was posted, and the database saw nothing but catalog reads, if anything.
    expect(api.state.comments.at(-1)?.body).toContain("the project may not read it");
    expect(statements.filter((sql) => !/^\s*SELECT\b/i.test(sql))).toEqual([]);
  });

  it.each<[string, (base: string, head: string) => WorkflowEvent]>([
    ["the pull request's dry run", pullRequest],
    ["a deploy", () => workflowDispatchEvent()],
  ])(
    "redacts a secret that reaches the SQL by another path in %s: comment, summary, outputs, log",
    async (_name, event) => {
      const { result } = await runWith(
        {
          "models/echo.sql":
            "{{ config(post_hook=\"select '\" ~ var('pw') ~ \"' as again\") }}" +
            "select '{{ var('pw') }}' as p, '{{ var('tok') }}' as t, 1 as id",
        },
        event,
        { vars: JSON.stringify({ pw: PASSWORD, tok: TOKEN }), models: "echo" },
      );
      expect(result.exitCode, result.log).toBe(0);
      expect(leaks(result)).toEqual([]);
      expect(result.outputs.plan).toContain("***");
      expect(result.summary).toContain("***");
      if (event === pullRequest) {
        expect(api.state.comments.at(-1)?.body).toContain("select '***' as p, '***' as t");
      } else {
        expect(result.stdout).toContain("select '***' as p, '***' as t");
      }
    },
  );
});

describe("echoed SQL and database errors cannot issue workflow commands", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo | undefined;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
  });
  afterAll(async () => {
    repo?.remove();
    await target?.close();
  });

  it.each([
    ["model SQL echoed by a deploy", "models/spoof.sql", 0],
    ["a database error echoed by a dry run", "models/broken.sql", 1],
  ])("%s", async (_name, file, exitCode) => {
    const sql =
      file === "models/spoof.sql"
        ? "select 1 as x, 'kind' as kind /*\n::warning file=README.md,line=1,title=Spoofed::x\n::add-mask::kind\n  ::error::boom\n##[warning]old style\n*/"
        : 'select "\n::warning file=README.md,line=1,title=Spoofed::db\n::add-mask::kind" from (select 1) t';
    repo = createRepo({ files: { "dbt_project.yml": HOSTILE_PROJECT, [file]: sql } });
    const dryRun = file !== "models/spoof.sql";
    const result = await runAction({
      repo,
      inputs: {
        "database-url": target.url,
        models: "all",
        comment: "false",
        "dry-run": String(dryRun),
      },
      event: workflowDispatchEvent(),
    });
    expect(result.exitCode, result.log).toBe(exitCode);
    expect(
      result.annotations.filter((a) => a.file === "README.md" || a.title === "Spoofed"),
    ).toEqual([]);
    expect(
      result.annotations.filter(
        (a) => a.message.includes("boom") || a.message.includes("old style"),
      ),
    ).toEqual([]);
    expect(result.masks).not.toContain("kind");
    expect(result.log).toContain("::warning file=README.md");
    repo.remove();
    repo = undefined;
  });
});
