/**
 * Ephemeral models inlined as CTEs, as dbt's compiler injects them (_inject_ctes_into_sql): after
 * the statement's top-level `with` (or `with recursive`) followed by a comma, or, without one, a
 * new `with` before the first token. Each CTE is ` __dbt__cte__<name> as (\n<sql>\n)`.
 */
import { sqlTokens } from "../../sql/lexer.js";

export function injectCtes(sql: string, ctes: { name: string; sql: string }[]): string {
  if (ctes.length === 0) return sql;
  const injected = ctes.map((cte) => ` ${cte.name} as (\n${cte.sql}\n)`).join(", ");
  let depth = 0;
  let word = "";
  let wordStart = 0;
  let firstToken: number | undefined;
  let withEnd: number | undefined;
  let offset = 0;
  const endWord = (end: number): boolean => {
    if (word === "") return false;
    const lower = word.toLowerCase();
    word = "";
    if (depth !== 0) return false;
    if (withEnd === undefined && lower === "with") {
      withEnd = end;
      return false;
    }
    if (
      withEnd !== undefined &&
      lower === "recursive" &&
      sql.slice(withEnd, wordStart).trim() === ""
    ) {
      withEnd = end;
      return true;
    }
    return withEnd !== undefined;
  };
  for (const token of sqlTokens(sql)) {
    const start = offset;
    offset += token.text.length;
    if (token.kind !== "space") firstToken ??= start;
    if (token.kind === "word" || token.kind === "number") {
      if (word === "") wordStart = start;
      word += token.text;
      continue;
    }
    if (endWord(start)) break;
    if (withEnd !== undefined && token.kind !== "space") break;
    if (token.text === "(") depth++;
    else if (token.text === ")") depth--;
  }
  endWord(offset);
  if (withEnd === undefined) {
    const at = firstToken ?? 0;
    return `${sql.slice(0, at)}with${injected}${sql.slice(at)}`;
  }
  return `${sql.slice(0, withEnd)}${injected},${sql.slice(withEnd)}`;
}
