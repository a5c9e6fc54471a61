import { isWordChar, sqlTokens } from "../sql/lexer.js";

/**
 * SQL text with comments removed and whitespace reduced to what separates two words, leaving
 * string literals, quoted identifiers and dollar-quoted bodies untouched: two texts normalise
 * equal when they differ only in comments and layout. The result is for comparing, not running.
 */
export function normaliseSql(sql: string): string {
  let out = "";
  let pendingSpace = false;
  for (const token of sqlTokens(sql)) {
    if (token.kind === "space" || token.kind === "comment") {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && isWordChar(out.at(-1)) && isWordChar(token.text[0])) out += " ";
    pendingSpace = false;
    out += token.text;
  }
  return out;
}
