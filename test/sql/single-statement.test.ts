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
