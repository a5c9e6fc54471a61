import { describe, expect, it } from "vitest";
import { normaliseSql } from "../../src/changes/index.js";

const same = (a: string, b: string) => expect(normaliseSql(a)).toBe(normaliseSql(b));
const different = (a: string, b: string) => expect(normaliseSql(a)).not.toBe(normaliseSql(b));

describe("normaliseSql", () => {
  it("ignores comments and layout", () => {
    same("select a, b from t", "select\n  a ,\n  b -- two columns\nfrom /* the table */ t");
    same("select a+b from t", "select a + b\nfrom t");
    same("select 1 /* outer /* nested */ still comment */ from t", "select 1 from t");
    expect(normaliseSql("select  a\n from\tt -- x")).toBe("select a from t");
  });

  it("keeps the space that separates words", () => {
    different("select a b from t", "select ab from t");
  });

  it("keeps string literals, quoted identifiers and dollar quotes intact", () => {
    different("select 'a  b'", "select 'a b'");
    different("select '-- not a comment'", "select ''");
    different(`select "my  col" from t`, `select "my col" from t`);
    different("select $$ a  b $$", "select $$ a b $$");
    different("select $fn$ -- x $fn$", "select $fn$ $fn$");
    same("select 'it''s' -- c", "select 'it''s'");
    same("select E'it\\'s -- not a comment' ", "select E'it\\'s -- not a comment'");
  });
});
