import { describe, expect, it } from "vitest";
import { envVarEntryProblem, projectEnvironment } from "../../src/security/project-env.js";
import { buildSettings } from "../../src/settings/settings.js";
import { loadError, renderOne, repoWith } from "../project/helpers.js";

// What the runner gives the action's process, with the secrets a hostile model would want.
const RUNNER_ENV = {
  "INPUT_DATABASE-URL": "postgres://deploy:s3cretPW@db:4566/dev",
  "INPUT_GITHUB-TOKEN": "ghs_token",
  GITHUB_TOKEN: "ghs_token",
  ACTIONS_RUNTIME_TOKEN: "runtime",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc",
  RUNNER_TEMP: "/tmp",
  PGPASSWORD: "pgpw",
  PGPASSFILE: "/home/runner/.pgpass",
  PGHOST: "db",
  DBT_ENV_SECRET_KAFKA: "kafka-pw",
  DBT_PASSWORD: "dbtpw",
  SNOWFLAKE_API_KEY: "key",
  DBT_TARGET: "prod",
  DBT_SCHEMA_SUFFIX: "_x",
  REGION: "eu",
  HOME: "/home/runner",
  GITHUB_SHA: "abc",
};

describe("the environment a dbt project may read", () => {
  it("holds DBT_* variables and the listed ones, with values only for those", () => {
    const env = projectEnvironment(RUNNER_ENV, ["REGION", "GITHUB_*"]);
    const readable = Object.fromEntries(
      Object.entries(env).filter(([, value]) => value !== undefined),
    );
    expect(readable).toEqual({
      DBT_TARGET: "prod",
      DBT_SCHEMA_SUFFIX: "_x",
      REGION: "eu",
      GITHUB_SHA: "abc",
    });
    // Set but unreadable: present without a value, so env_var() can say so.
    expect(Object.keys(env).sort()).toEqual(Object.keys(RUNNER_ENV).sort());
  });

  it.each([
    ["INPUT_DATABASE-URL", /INPUT_\* variables/],
    ["GITHUB_TOKEN", /GitHub token/],
    ["ACTIONS_*", /ACTIONS_\*/],
    ["RUNNER_NAME", /RUNNER_\*/],
    ["PGPASSWORD", /PG\*/],
    ["KAFKA_PASSWORD", /names a credential/],
    ["DBT_ENV_SECRET_X", /names a credential/],
    ["MY VAR", /not a variable name/],
  ])("the env-vars input cannot make %s readable", (entry, reason) => {
    expect(envVarEntryProblem(entry)).toMatch(reason);
    expect(() =>
      buildSettings((name) => (name === "env-vars" ? `REGION, ${entry}` : ""), {
        eventName: "push",
      }),
    ).toThrow(/Input `env-vars` lists/);
  });

  it("reads the env-vars input as names and PREFIX* patterns, comma or newline separated", () => {
    const settings = buildSettings((name) => (name === "env-vars" ? "REGION,\n  APP_* \n" : ""), {
      eventName: "push",
    });
    expect(settings.envVars).toEqual(["REGION", "APP_*"]);
  });
});

describe("env_var() in the project", () => {
  const render = (sql: string) =>
    renderOne(sql, {}, { env: projectEnvironment(RUNNER_ENV, ["REGION"]) });

  it("reads what the policy lets through", async () => {
    expect(
      await render(
        "{{ env_var('DBT_TARGET') }} {{ env_var('REGION') }} {{ env_var('NOPE', 'd') }}",
      ),
    ).toBe("prod eu d");
  });

  it.each([
    "INPUT_DATABASE-URL",
    "INPUT_GITHUB-TOKEN",
    "GITHUB_TOKEN",
    "PGPASSWORD",
    "DBT_PASSWORD",
    "HOME",
  ])("refuses %s even with a default, naming it", async (name) => {
    const repo = repoWith({
      "models/m.sql": `select '{{ env_var('${name}', 'fallback') }}' as leak`,
    });
    try {
      const error = await loadError(repo, { env: projectEnvironment(RUNNER_ENV, []) });
      expect(error.message).toContain(
        `environment variable '${name}' is set, but the project may not read it`,
      );
      expect(error.message).not.toMatch(/s3cretPW|ghs_token|pgpw|dbtpw/);
    } finally {
      repo.dispose();
    }
  });

  it.each([
    ["a model", { "models/m.sql": "select '{{ env_var('DBT_ENV_SECRET_KAFKA') }}' as x" }],
    [
      "a hook",
      {
        "models/m.sql":
          "{{ config(post_hook=\"select '\" ~ env_var('DBT_ENV_SECRET_X', 'd') ~ \"'\") }}select 1",
      },
    ],
    [
      "a macro",
      {
        "macros/pw.sql": "{% macro pw() %}{{ env_var('DBT_ENV_SECRET_KAFKA') }}{% endmacro %}",
        "models/m.sql": "select '{{ pw() }}' as x",
      },
    ],
  ])("refuses DBT_ENV_SECRET_* in %s with dbt's own message, set or not", async (_where, files) => {
    const repo = repoWith(files);
    try {
      const error = await loadError(repo, { env: { DBT_ENV_SECRET_KAFKA: "kafka-pw" } });
      expect(error.message).toMatch(
        /Secret env vars are allowed only in profiles.yml or packages.yml. Found 'DBT_ENV_SECRET_\w+' referenced elsewhere./,
      );
      expect(error.message).not.toContain("kafka-pw");
    } finally {
      repo.dispose();
    }
  });
});
