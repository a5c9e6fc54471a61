// Every known way to hide a second statement from the single-statement guard (findings/
// sql-guard-fuzz.md H1-H7, and the texts PostgreSQL and RisingWave read differently), with
// generated variants, in model SQL, hooks and sql_header: the built action refuses each one with
// the file and the construct named, and the database sees nothing but catalog reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRepo,
  pullRequestEvent,
  runAction,
  workflowDispatchEvent,
  type TempRepo,
  type WorkflowEvent,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { HOSTILE_PROJECT } from "./hostile-project.js";

interface BypassClass {
  name: string;
  /** The text around the stacked statement: `select <open> ; <stacked> <close>`. */
  open: string;
  close: string;
  refusal: RegExp;
}

const tag = (length: number) => `$${"T".repeat(length)}$`;

const CLASSES: BypassClass[] = [
  {
    name: "h1_long_tag",
    open: `${tag(250)} '  ${tag(250)}`,
    close: "-- '",
    refusal: /exactly one SQL statement/,
  },
  { name: "h2_carriage_return", open: "1 -- x\r", close: "--", refusal: /carriage return/ },
  {
    name: "h3_continued_escape",
    open: "E'a'\n'\\''",
    close: "--'",
    refusal: /E'' string continued/,
  },
  { name: "h4_slash_star_slash", open: "1 /* /*/ */", close: "-- */", refusal: /comment nesting/ },
  {
    name: "h5_star_slash_star",
    open: "1 /* /* */* */ ' */",
    close: "-- '",
    refusal: /comment nesting/,
  },
  { name: "h6_exponent", open: "1e--1", close: "", refusal: /incomplete exponent/ },
  { name: "h7_digit_tag", open: "$1_$ ' $1_$", close: "-- '", refusal: /starting with a digit/ },
  { name: "hash_minus", open: "'{}'::jsonb #--1", close: "", refusal: /#--/ },
  { name: "pipe_slash_star", open: "1 ||/*", close: "-- */ 2", refusal: /\|\/\*/ },
  { name: "escape_after_number", open: "1.E'\\'", close: "--'", refusal: /incomplete exponent/ },
  { name: "non_ascii_dollar", open: "é$a$", close: "", refusal: /non-ASCII/ },
];

const STACKED = [
  "drop table public.victim",
  "grant all on public.victim to public",
  "delete from public.victim",
];

/** Variants: each class with each stacked statement, in one of the four places SQL comes from. */
function hostileFiles(): { files: Record<string, string>; expected: Map<string, RegExp> } {
  const files: Record<string, string> = { "dbt_project.yml": HOSTILE_PROJECT };
  const expected = new Map<string, RegExp>();
  const hooks: string[] = [];
  CLASSES.forEach((bypass, i) => {
    STACKED.forEach((stacked, j) => {
      const text = `select ${bypass.open} ; ${stacked} ${bypass.close}`;
      const place = (["sql", "pre_hook", "post_hook", "sql_header"] as const)[(i + j) % 4];
      const model = `${bypass.name}_${j}`;
      const file = `models/${model}.sql`;
      expected.set(file, bypass.refusal);
      if (place === "sql") {
        files[file] = text;
        return;
      }
      files[file] = "select 1 as x";
      hooks.push(`  - name: ${model}\n    config:\n      ${place}: ${JSON.stringify(text)}\n`);
    });
  });
  files["models/hooks.yml"] = `version: 2\nmodels:\n${hooks.join("")}`;
  return { files, expected };
}

describe("hidden second statements through dist/index.js", () => {
  let target: RisingWaveTarget;
  let repo: TempRepo;
  let base: string;
  let head: string;
  const { files, expected } = hostileFiles();

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    await target.query("CREATE TABLE public.victim (id INT)");
    await target.query("INSERT INTO public.victim VALUES (1), (2)");
    repo = createRepo({
      files: { "dbt_project.yml": HOSTILE_PROJECT, "models/ok.sql": "select 1 as x" },
    });
    base = repo.revParse();
    head = repo.commit(files, "hostile models");
  });
  afterAll(async () => {
    repo?.remove();
    await target?.close();
  });

  it.each<[string, () => WorkflowEvent, Record<string, string>]>([
    [
      "a pull request's dry run",
      () => pullRequestEvent({ number: 3, baseSha: base, headSha: head }),
      {},
    ],
    ["a deploy of every model", () => workflowDispatchEvent(), { models: "all" }],
  ])("refuses every variant in %s, naming file and construct", async (_name, event, inputs) => {
    target.clearStatements();
    const result = await runAction({
      repo,
      inputs: { "database-url": target.url, comment: "false", ...inputs },
      event: event(),
    });
    expect(result.exitCode, result.log).toBe(1);
    const errors = result.annotations.filter((annotation) => annotation.level === "error");
    for (const [file, refusal] of expected) {
      const error = errors.find((annotation) => annotation.file === file);
      expect(error?.message, `${file}: ${JSON.stringify(errors.map((e) => e.file))}`).toMatch(
        refusal,
      );
    }
    expect(result.log).toContain(`${expected.size} problem(s) found before any DDL`);
    // Catalog reads at most, each as a prepared statement; the victim is untouched.
    expect(target.statements().filter((sql) => !/^\s*SELECT\b/i.test(sql))).toEqual([]);
    expect(target.simpleQueryStatements()).toEqual([]);
    expect(await target.query("SELECT id FROM public.victim ORDER BY id")).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
  });
});
