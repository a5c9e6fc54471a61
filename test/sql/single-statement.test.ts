import { describe, expect, it } from "vitest";
import { requireSingleStatement, SqlShapeError } from "../../src/sql/single-statement.js";
import { splitSqlStatements } from "../../src/sql/statements.js";

describe("requireSingleStatement", () => {
  it.each([
    ["plain", "select 1", "select 1"],
    ["trailing semicolon", "select 1;\n", "select 1"],
    ["trailing semicolon and comment", "select 1; -- done\n/* end */", "select 1"],
    ["semicolon in a string", "select 'a;b' as x", "select 'a;b' as x"],
    ["doubled quote in a string", "select 'it''s; fine'", "select 'it''s; fine'"],
    ["escape string", "select E'back\\'; still' as x", "select E'back\\'; still' as x"],
    ["semicolon in a quoted identifier", 'select 1 as "a;b"', 'select 1 as "a;b"'],
    ["two quoted identifiers in a row", 'select "a" "b" from t', 'select "a" "b" from t'],
    ["semicolon in a line comment", "select 1 -- a; b\n, 2", "select 1 -- a; b\n, 2"],
    [
      "semicolon in a nested block comment",
      "select /* a /* ; */ ; */ 1",
      "select /* a /* ; */ ; */ 1",
    ],
    ["semicolon in a dollar quote", "select $$a;b$$", "select $$a;b$$"],
    ["semicolon in a tagged dollar quote", "select $fn$ $$ ; $fn$", "select $fn$ $$ ; $fn$"],
    ["parameter-like dollar", "select $1::int", "select $1::int"],
  ])("accepts %s", (_name, sql, expected) => {
    expect(requireSingleStatement(sql, "models/a.sql")).toBe(expected);
  });

  it.each([
    ["stacked statement", "select 1; drop table users", 1],
    ["statement after a comment with a quote", "select 1 -- it's\n; drop table users", 2],
    ["statement after a dollar-quoted string", "select $$x$$;\ndrop table users", 2],
    ["statement after a block comment", "select 1 /* ; */;\n\n grant all on t to x", 3],
    ["statement after an escape string", "select E'\\'';\ndelete from t", 2],
  ])("refuses a %s", (_name, sql, line) => {
    let caught: unknown;
    try {
      requireSingleStatement(sql, "models/a.sql");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SqlShapeError);
    expect((caught as SqlShapeError).message).toContain(
      "models/a.sql must be exactly one SQL statement",
    );
    expect((caught as SqlShapeError).line).toBe(line);
  });

  it("refuses empty and unterminated input", () => {
    expect(() => requireSingleStatement(" -- nothing\n", "models/a.sql")).toThrow(
      "models/a.sql is empty.",
    );
    expect(() => requireSingleStatement("select 'open", "models/a.sql")).toThrow(
      "models/a.sql: unterminated string literal starting on line 1.",
    );
    expect(() => requireSingleStatement("select $x$ open", "models/a.sql")).toThrow(
      "unterminated dollar-quoted string",
    );
  });

  it("splits statements with their first lines", () => {
    expect(splitSqlStatements("-- head\nselect 1;\n\nselect 2;")).toEqual([
      { text: "-- head\nselect 1", line: 2 },
      { text: "select 2", line: 4 },
    ]);
  });
});

// The bypasses found by differential fuzzing (findings/sql-guard-fuzz.md): each one is read as a
// single statement by one of PostgreSQL and RisingWave and as two by the other, so each is refused.
describe("text PostgreSQL and RisingWave read differently is refused, naming the construct", () => {
  const longTag = `$${"A".repeat(250)}$`;
  it.each([
    [
      "H1 a dollar tag longer than any look-ahead",
      `select ${longTag} ' ${longTag} ; drop table t; -- '`,
      /exactly one SQL statement/,
    ],
    ["H2 a -- comment ended by \\r", "select 1 -- x\r; drop table t; --", /carriage return/],
    [
      "H3 an E'' string continued on a new line",
      "select E'a'\n'\\'' ; drop table t; --'",
      /E'' string continued/,
    ],
    [
      "H3 an E'' string continued after a comment line",
      "select E'a' -- c\n'\\'' ; drop table t; --'",
      /E'' string continued/,
    ],
    ["H4 /*/ inside a comment", "select 1 /* /*/ */ ; drop table t; -- */", /comment nesting/],
    [
      "H5 */* inside a comment",
      "select 1 /* /* */* */ ' */ ; drop table t; -- '",
      /comment nesting/,
    ],
    ["H6 1e--", "select 1e--1; drop table t", /incomplete exponent/],
    ["H6 .5e--", "select .5e--1; drop table t", /incomplete exponent/],
    ["H6 2.5E--", "select 2.5E--1; drop table t", /incomplete exponent/],
    [
      "H7 a dollar tag starting with a digit",
      "select $1_$ ' $1_$ ; drop table t; -- '",
      /starting with a digit/,
    ],
    ["#-- (RisingWave < 2.6)", "select '{}'::jsonb #--1\n; drop table t", /#--/],
    ["|/* (RisingWave < 2.6)", "select 1 |/* x */ 2", /\|\/\*/],
    ["||/* (RisingWave < 2.6)", "select 'a' ||/* x */ 'b'", /\|\/\*/],
    ["Z1 a non-ASCII dollar tag", "select $é$;$é$", /non-ASCII/],
    ["Z2 E'' right after a number", "select 1.E'\\' ; drop table t; --'", /incomplete exponent/],
    ["1e+5 (RisingWave reads 1e plus 5)", "select 1e+5", /incomplete exponent/],
    ["a $ right after a number", "select 1$a$;drop table t;$a$", /directly after a number/],
    ["a $ right after a hex number", "select 0x1f$a$;drop table t;$a$", /directly after a number/],
    ["Z4 a non-ASCII space", "select 1;\u3000;", /non-ASCII/],
    ["Q2 a doubled quote in a quoted identifier", 'select 1 as "a""b"', /doubled quote/],
    ["Q2 an identifier that is one quote", 'select 1 as """"', /doubled quote/],
    ["an unquoted non-ASCII name", "select 1 as café", /café|non-ASCII/],
    ["a form feed", "select 1\f", /control character U\+000C/],
    ["a NUL", "select 'a\0'", /NUL/],
  ])("%s", (_name, sql, message) => {
    expect(() => requireSingleStatement(sql, "The SQL of model m (models/m.sql)")).toThrow(message);
  });

  it("gives the line and names what is refused", () => {
    let caught: unknown;
    try {
      requireSingleStatement("select 1,\n  2 /* a /*/ b */", "The SQL of model m (models/m.sql)");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SqlShapeError);
    expect((caught as SqlShapeError).line).toBe(2);
    expect((caught as SqlShapeError).message).toBe(
      "The SQL of model m (models/m.sql) is refused: ambiguous comment nesting (`/*/` or `*/*` inside a comment): " +
        "RisingWave and PostgreSQL disagree where it ends (line 2). Write it so that both read it the same way.",
    );
  });

  it.each([
    [
      "Z3 E'' after a closing dollar quote is an E'' string for both",
      "select $$x$$E'\\'';drop table t;--'",
    ],
  ])("%s: a second statement is seen", (_name, sql) => {
    expect(() => requireSingleStatement(sql, "m")).toThrow(/exactly one SQL statement/);
  });

  it.each([
    ["U1 \\r\\n ends a -- comment for both", "select 1 -- c\r\n, 2", "select 1 -- c\r\n, 2"],
    ["U2 a long dollar tag", `select ${longTag};${longTag}`, `select ${longTag};${longTag}`],
    ["U3 a plain string continued", "select 'a'\n'\\'", "select 'a'\n'\\'"],
    [
      "tumble, EMIT ON WINDOW CLOSE",
      "select window_start, count(*) from tumble(t, ts, interval '1 minute') group by window_start emit on window close",
      undefined,
    ],
    ["JSON operators", "select v ->> 'a', v #>> '{a,b}', v @> '{}' from t", undefined],
    [
      "dollar quotes, E'' strings, nested comments",
      "select $$a;b$$, $fn$ $$ ; $fn$, E'\\'', /* a /* b */ c */ 1",
      undefined,
    ],
    ["numbers", "select 1, 1.5, .5, 1e5, 1.5E-3, 0x1F, 1::int, x.e'y'", undefined],
    [
      "quoted names, U&, N and X strings",
      `select "café", U&'d\\0061t', N'x', X'1F', B'01', $1::int`,
      undefined,
    ],
    [
      "non-ASCII in strings, comments and dollar quotes",
      "select 'é', $$ü$$ -- ß\n/* 😀 */",
      undefined,
    ],
    ["a trailing ';' and comment", "select 1; -- done", "select 1"],
  ])("accepts %s", (_name, sql, expected) => {
    expect(requireSingleStatement(sql, "m")).toBe(expected ?? sql);
  });
});
