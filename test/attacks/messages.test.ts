// Issue 11 item 12: inputs and events that used to end in a stack trace or a misleading hint
// each get one error line that names the cause and the fix, and change nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pushEvent, runAction, workflowDispatchEvent } from "../support/action-runner/index.js";
import { changes, errorsOf, openStage, type Stage } from "./stage.js";

describe("one line that names the cause and the fix", () => {
  let stage: Stage;
  let scratch: string | undefined;
  afterEach(async () => {
    await stage?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  const only = (result: { exitCode: number | null; log: string; annotations: unknown[] }) => {
    expect(result.exitCode).toBe(1);
    expect(result.log).not.toMatch(/^\s+at \S+ \(/m);
    // Besides the run's closing line, when there is one.
    const errors = errorsOf(result as Parameters<typeof errorsOf>[0]).filter(
      (line) => !/^\d+ problem\(s\) found before any DDL/.test(line),
    );
    expect(errors).toHaveLength(1);
    return errors[0] as string;
  };

  it.each([
    {
      name: "a malformed event file",
      event: "malformed",
      inputs: {},
      expected:
        /^The event file GITHUB_EVENT_PATH \(.*event\.json\) is not valid JSON \(.*\); the runner writes it, so it was replaced or damaged before this step\. Remove whatever writes it\.$/,
    },
    {
      name: "an event file holding null",
      event: "null",
      inputs: {},
      expected: /^The event file GITHUB_EVENT_PATH \(.*\) holds null, not an event object;/,
    },
    {
      name: "a push whose `before` is a number",
      event: "numeric-before",
      inputs: {},
      expected:
        "The event's `before` is not a commit sha (it is a number). Set the `base-ref` input to the revision to compare with, or `models` to choose what to deploy.",
    },
    {
      name: "a project-dir that does not exist",
      event: "dispatch",
      inputs: { "project-dir": "no/such/dir", models: "all" },
      expected:
        /^Input `project-dir` \(no\/such\/dir\) is not a folder of the repository \(.*no\/such\/dir does not exist\); set it to the folder, relative to the repository root, that holds dbt_project\.yml\.$/,
    },
    {
      name: "sslmode=bogus",
      event: "dispatch",
      inputs: { models: "all", sslmode: "bogus" },
      expected:
        "Input `database-url` has sslmode=bogus, which is not an sslmode: use one of disable, allow, prefer, require, verify-ca, verify-full, no-verify (the rest of the URL is not shown).",
    },
    {
      name: "a force-push whose base is not in a complete clone",
      event: "force-push",
      inputs: {},
      expected:
        /^The base revision 0123456789abcdef0123456789abcdef01234567 is not in this clone, which is complete \(not shallow\): the push replaced it \(a force-push\), so no fetch brings it back\. Set `base-ref` to the revision last deployed, or `models` \(names, `name\+` or `all`\) to choose what to deploy\.$/,
    },
  ])("$name", async ({ event, inputs, expected }) => {
    stage = await openStage({
      "models/kinds.sql": "select kind from {{ source('app', 'events') }}",
    });
    const { repo, target } = stage;
    scratch = mkdtempSync(join(tmpdir(), "rwzd-event-"));
    const eventFile = join(scratch, "event.json");
    const env: Record<string, string> = {};
    if (event === "malformed" || event === "null") {
      writeFileSync(eventFile, event === "null" ? "null" : '{"before": "abc", ');
      env.GITHUB_EVENT_PATH = eventFile;
    }
    const push = pushEvent({ before: repo.revParse(), after: repo.revParse() });
    const workflowEvent =
      event === "numeric-before"
        ? { ...push, payload: { ...push.payload, before: 123 } }
        : event === "force-push"
          ? pushEvent({
              before: "0123456789abcdef0123456789abcdef01234567",
              after: repo.revParse(),
            })
          : event === "dispatch"
            ? workflowDispatchEvent()
            : push;
    const { sslmode, ...rest } = inputs as Record<string, string>;
    target.clearStatements();
    const result = await runAction({
      repo,
      inputs: {
        "database-url": sslmode ? `${target.url}?sslmode=${sslmode}` : target.url,
        comment: "false",
        ...rest,
      },
      event: workflowEvent,
      env,
    });
    const line = only(result);
    if (typeof expected === "string") expect(line).toBe(expected);
    else expect(line).toMatch(expected);
    expect(changes(target.statements())).toEqual([]);
  });

  it("the full-refresh refusal: what blocks it and the one change that gets past it", async () => {
    stage = await openStage({
      "models/kinds.sql": "select kind, id from {{ source('app', 'events') }}",
    });
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    await stage.target.query(
      "CREATE MATERIALIZED VIEW public.adhoc AS SELECT count(*) AS n FROM public.kinds",
    );
    const result = await stage.deploy({ models: "kinds+", "full-refresh": "true" });
    expect(only(result)).toBe(
      "Full refresh of public.kinds refused before any DROP: public.adhoc (materialized view) read it and " +
        "would block the drop (never CASCADE); they are not dbt models, so drop them by hand first, or " +
        "deploy without full-refresh: a zero-downtime rebuild leaves them reading the previous version.",
    );
  });
});
