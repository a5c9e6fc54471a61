import { describe, expect, it } from "vitest";
import { buildSettings, secretsOf } from "../../src/settings/settings.js";

function settingsFrom(inputs: Record<string, string>, eventName = "push") {
  return buildSettings((name) => inputs[name] ?? "", { eventName });
}

describe("buildSettings", () => {
  it("applies action.yml defaults when nothing is set", () => {
    const settings = settingsFrom({});
    expect(settings).toMatchObject({
      mode: "deploy",
      dryRun: false,
      projectDir: ".",
      targetSchema: "public",
      vars: {},
      fullRefresh: false,
      zeroDowntime: "model-config",
      immediateCleanup: false,
      rebuildDownstream: true,
      backgroundDdl: true,
      waitTimeoutMs: 2 * 3_600_000,
      olderThanMs: 0,
      comment: true,
    });
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.models).toBeUndefined();
  });

  it.each(["push", "workflow_dispatch", "schedule"])("applies with dry-run auto on %s", (event) => {
    expect(settingsFrom({}, event).dryRun).toBe(false);
    expect(settingsFrom({ "dry-run": "false" }, event).dryRun).toBe(false);
    expect(settingsFrom({ "dry-run": "true" }, event).dryRun).toBe(true);
  });

  const unmerged = [
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "merge_group",
    "issue_comment",
    "check_run",
    "repository_dispatch",
    "",
  ];

  it.each(unmerged)("dry-runs with dry-run auto on %j", (event) => {
    expect(settingsFrom({}, event).dryRun).toBe(true);
    expect(settingsFrom({ mode: "cleanup" }, event).dryRun).toBe(true);
  });

  it.each(unmerged)("refuses dry-run false on %j unless allow-unmerged-deploy says so", (event) => {
    expect(() => settingsFrom({ "dry-run": "false" }, event)).toThrow(
      /Input `dry-run` is false on a `.+` event, whose code may not be merged.*allow-unmerged-deploy: true/,
    );
    const allowed = settingsFrom({ "dry-run": "false", "allow-unmerged-deploy": "true" }, event);
    expect(allowed.dryRun).toBe(false);
    expect(settingsFrom({ "allow-unmerged-deploy": "true" }, event).dryRun).toBe(true);
  });

  it("refuses schema names that not every supported RisingWave can quote", () => {
    expect(() => settingsFrom({ "target-schema": 'a"b' })).toThrow(/target-schema.*double quote/s);
    expect(() => settingsFrom({ schema: 'x"' })).toThrow(/schema.*double quote/s);
    expect(settingsFrom({ "target-schema": "Ops Team ünï" }).targetSchema).toBe("Ops Team ünï");
  });

  it("lets the command line apply when asked to", () => {
    expect(settingsFrom({ "dry-run": "false" }, "cli").dryRun).toBe(false);
  });

  it("names the input and the allowed values for an unknown mode", () => {
    expect(() => settingsFrom({ mode: "bogus" })).toThrow(
      'Input `mode` must be one of: deploy, cleanup, rollback (got "bogus").',
    );
    expect(() => settingsFrom({ "zero-downtime": "some" })).toThrow(
      "Input `zero-downtime` must be one of: model-config, all",
    );
    expect(() => settingsFrom({ "dry-run": "yes" })).toThrow(
      "Input `dry-run` must be one of: auto, true, false",
    );
  });

  it("parses durations and rejects malformed ones naming the input", () => {
    expect(settingsFrom({ "older-than": "24h" }).olderThanMs).toBe(86_400_000);
    expect(settingsFrom({ "older-than": "7d" }).olderThanMs).toBe(7 * 86_400_000);
    expect(settingsFrom({ "older-than": "90" }).olderThanMs).toBe(90_000);
    expect(settingsFrom({ "wait-timeout": "30m" }).waitTimeoutMs).toBe(1_800_000);
    expect(() => settingsFrom({ "older-than": "seven days" })).toThrow(
      'Input `older-than` must be a duration such as 90s, 30m, 24h or 7d (got "seven days").',
    );
    expect(() => settingsFrom({ "older-than": "-1h" })).toThrow("Input `older-than`");
    expect(() => settingsFrom({ "wait-timeout": "0" })).toThrow(
      "Input `wait-timeout` must be greater than zero.",
    );
  });

  it("accepts only YAML booleans for boolean inputs", () => {
    expect(settingsFrom({ "full-refresh": "True" }).fullRefresh).toBe(true);
    expect(settingsFrom({ "rebuild-downstream": "FALSE" }).rebuildDownstream).toBe(false);
    expect(() => settingsFrom({ "full-refresh": "yes" })).toThrow(
      'Input `full-refresh` must be true or false (got "yes").',
    );
  });

  it("parses vars as a YAML mapping", () => {
    expect(settingsFrom({ vars: "{start: '2024-01-01', limit: 5}" }).vars).toEqual({
      start: "2024-01-01",
      limit: 5,
    });
    expect(settingsFrom({ vars: "region: eu\nflag: true" }).vars).toEqual({
      region: "eu",
      flag: true,
    });
    // As dbt reads --vars (PyYAML's safe_load, YAML 1.1); the values are PyYAML 6's.
    expect(
      settingsFrom({ vars: "{flag: yes, off_flag: Off, code: 010, ratio: 1e3, n: n, a: 1, a: 2}" })
        .vars,
    ).toEqual({ flag: true, off_flag: false, code: 8, ratio: "1e3", n: "n", a: 2 });
    expect(() => settingsFrom({ vars: "[1, 2]" })).toThrow("Input `vars` must be a YAML mapping");
    expect(() => settingsFrom({ vars: "{unclosed: " })).toThrow("Input `vars` is not valid YAML");
  });

  it("accepts postgres URLs and rejects others without echoing them", () => {
    const url = settingsFrom({
      "database-url": "postgres://root:s3cr%40t@rw.internal:4566/dev",
    }).databaseUrl;
    expect(url?.hostname).toBe("rw.internal");
    expect(
      settingsFrom({ "database-url": "postgresql://root@localhost:4566/dev" }).databaseUrl?.port,
    ).toBe("4566");

    const attempt = () => settingsFrom({ "database-url": "mysql://root:hunter2@db/dev" });
    expect(attempt).toThrow("Input `database-url` must be a postgres:// or postgresql:// URL");
    expect(() => attempt()).not.toThrow(/hunter2/);
    expect(() => settingsFrom({ "database-url": "not a url hunter2" })).toThrow(
      /^Input `database-url` is not a valid URL\. Expected postgres:\/\/user:password@host:4566\/dev \(value not shown\)\.$/,
    );
  });

  it("lists every spelling of the secrets for masking", () => {
    const settings = settingsFrom({
      "database-url": "postgres://root:s3cr%40t@rw:4566/dev",
      "github-token": "ghs_abc",
    });
    expect(secretsOf(settings)).toEqual(
      expect.arrayContaining(["s3cr%40t", "s3cr@t", "ghs_abc", settings.databaseUrl?.href]),
    );
  });
});
