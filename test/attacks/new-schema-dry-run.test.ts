// Issue 11 item 11, as the attack: a pull request adds a model in a schema that does not exist
// yet. RisingWave's EXPLAIN CREATE MATERIALIZED VIEW looks the schema up and fails, though the
// deploy would create the schema first; the dry run must validate elsewhere and say what it
// could not check, and still catch SQL that is wrong.
import { afterEach, describe, expect, it } from "vitest";
import { pullRequestEvent, runAction } from "../support/action-runner/index.js";
import { changes, openStage, type Stage } from "./stage.js";

const FINANCE = (column: string) =>
  `{{ config(schema='finance') }}\nselect kind, sum(${column}) as total from {{ source('app', 'events') }} group by kind`;

describe("a dry run of a model in a schema that does not exist yet", () => {
  let stage: Stage;
  afterEach(async () => stage?.close());

  const dryRun = (column: string) => {
    const base = stage.repo.revParse();
    const head = stage.repo.commit(
      { "models/revenue.sql": FINANCE(column) },
      `revenue (${column})`,
    );
    stage.target.clearStatements();
    return runAction({
      repo: stage.repo,
      inputs: { "database-url": stage.target.url, comment: "false" },
      event: pullRequestEvent({ number: 7, baseSha: base, headSha: head }),
    });
  };

  it("validates the definition in an existing schema, says so, and issues no DDL", async () => {
    stage = await openStage({});
    const result = await dryRun("amount");
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain(
      "revenue: validated with a limitation: schema public_finance does not exist yet (the deploy " +
        "creates it): the definition was validated in schema public; whether the deploy user may " +
        "create schema public_finance (CREATE on the database) could not be checked.",
    );
    expect(result.summary).toContain("**Not checked before the deploy:**");
    expect(result.summary).toContain("validated in schema public");
    expect(result.summary).toContain(
      "Dry run: no DDL issued; each new definition was checked with `EXPLAIN`.",
    );
    expect(changes(stage.target.statements())).toEqual([]);
    const schemas = await stage.target.query(
      "SELECT name FROM rw_catalog.rw_schemas WHERE name = 'public_finance'",
    );
    expect(schemas).toEqual([]);
  });

  it("still fails the pull request when the new model's SQL is wrong", async () => {
    stage = await openStage({});
    const result = await dryRun("no_such_column");
    expect(result.exitCode).toBe(1);
    const error = result.annotations.find(
      (annotation) => annotation.level === "error" && annotation.file,
    );
    expect(error).toMatchObject({ file: "models/revenue.sql" });
    expect(error?.message).toMatch(
      /revenue: RisingWave rejects the new definition: .*no_such_column/,
    );
  });
});
