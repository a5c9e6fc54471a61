/**
 * The one SQL lexer: just deep enough to tell code from what only looks like code. It knows string
 * literals ('…', E'…' with backslash escapes), quoted identifiers, line comments, nested block
 * comments and dollar quotes, as PostgreSQL and RisingWave read them.
 */
/** "other" is one punctuation character, or a whole word. */
export type SqlTokenKind =
  "space" | "comment" | "string" | "identifier" | "dollar-quoted" | "semicolon" | "other";

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  /** 1-based line the token starts on. */
  line: number;
  /** Set when the input ends inside the token: what was left open. */
  unterminated?: string;
}

const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Whether the (first) character is one a word is made of: letters, digits, `_`, `$`, non-ASCII. */
export function isWordChar(char: string | undefined): boolean {
  if (char === undefined || char === "") return false;
  const c = char.charCodeAt(0);
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 36 ||
    c >= 0x80
  );
}

/** JavaScript's `\s`, with the usual ASCII spaces decided without a pattern. */
function isSpace(sql: string, index: number): boolean {
  const c = sql.charCodeAt(index);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 0x80 && /\s/.test(sql[index]!);
}

export function* sqlTokens(sql: string): Generator<SqlToken> {
  let index = 0;
  let line = 1;
  const token = (kind: SqlTokenKind, end: number, unterminated?: string): SqlToken => {
    const result: SqlToken = unterminated
      ? { kind, text: sql.slice(index, end), line, unterminated }
      : { kind, text: sql.slice(index, end), line };
    for (let i = sql.indexOf("\n", index); i !== -1 && i < end; i = sql.indexOf("\n", i + 1)) {
      line++;
    }
    index = end;
    return result;
  };
  while (index < sql.length) {
    const char = sql[index] as string;
    const next = sql[index + 1];
    if (isSpace(sql, index)) {
      let end = index + 1;
      while (end < sql.length && isSpace(sql, end)) end++;
      yield token("space", end);
    } else if (char === "-" && next === "-") {
      const end = sql.indexOf("\n", index);
      yield token("comment", end === -1 ? sql.length : end);
    } else if (char === "/" && next === "*") {
      const end = blockCommentEnd(sql, index);
      yield token("comment", end ?? sql.length, end === undefined ? "block comment" : undefined);
    } else if (char === "'") {
      const escapes = /[eE]/.test(sql[index - 1] ?? "") && !isWordChar(sql[index - 2]);
      const end = quotedEnd(sql, index, "'", escapes);
      yield token("string", end ?? sql.length, end === undefined ? "string literal" : undefined);
    } else if (char === '"') {
      const end = quotedEnd(sql, index, '"', false);
      yield token(
        "identifier",
        end ?? sql.length,
        end === undefined ? "quoted identifier" : undefined,
      );
    } else if (
      char === "$" &&
      !isWordChar(sql[index - 1]) &&
      DOLLAR_TAG.test(sql.slice(index, index + 200))
    ) {
      const tag = (DOLLAR_TAG.exec(sql.slice(index, index + 200)) as RegExpExecArray)[0];
      const close = sql.indexOf(tag, index + tag.length);
      yield close === -1
        ? token("dollar-quoted", sql.length, "dollar-quoted string")
        : token("dollar-quoted", close + tag.length);
    } else if (char === ";") {
      yield token("semicolon", index + 1);
    } else if (char !== "$" && isWordChar(char)) {
      // A word at once: inside it, `$` is part of the name and starts no dollar quote.
      let end = index + 1;
      while (end < sql.length && isWordChar(sql[end])) end++;
      yield token("other", end);
    } else {
      yield token("other", index + 1);
    }
  }
}

/** PostgreSQL block comments nest. */
function blockCommentEnd(sql: string, start: number): number | undefined {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return undefined;
}

/** The quote doubled is an escape, and so is a backslash in E'' strings. */
function quotedEnd(
  sql: string,
  start: number,
  quote: string,
  backslashEscapes: boolean,
): number | undefined {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === "\\") {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return undefined;
}
