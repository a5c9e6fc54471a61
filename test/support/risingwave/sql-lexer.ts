// A small SQL lexer, just enough to find statement boundaries and recognise the
// RisingWave-only statements the stand-in translates. It must never mistake text
// inside strings, quoted identifiers or comments for keywords, so those are lexed
// exactly as PostgreSQL does; everything else is coarse.

export type TokenKind = "word" | "quoted" | "string" | "number" | "param" | "symbol" | "space";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c))
      push(
        "space",
        scanWhile(sql, i, (ch) => /\s/.test(ch)),
      );
    else if (c === "-" && next === "-") push("space", lineEnd(sql, i));
    else if (c === "/" && next === "*") push("space", blockCommentEnd(sql, i));
    else if (c === "'") push("string", quotedEnd(sql, i + 1, "'", false));
    else if ((c === "E" || c === "e") && next === "'")
      push("string", quotedEnd(sql, i + 2, "'", true));
    else if (c === '"') push("quoted", quotedEnd(sql, i + 1, '"', false));
    else if (c === "$") push(...dollarToken(sql, i));
    else if (WORD_START.test(c))
      push(
        "word",
        scanWhile(sql, i, (ch) => WORD_PART.test(ch)),
      );
    else if (/[0-9]/.test(c))
      push(
        "number",
        scanWhile(sql, i, (ch) => /[0-9.eE]/.test(ch)),
      );
    else push("symbol", i + 1);
  }
  return tokens;
}

function scanWhile(sql: string, from: number, ok: (ch: string) => boolean): number {
  let i = from;
  while (i < sql.length && ok(sql[i] as string)) i++;
  return i;
}

function lineEnd(sql: string, from: number): number {
  const nl = sql.indexOf("\n", from);
  return nl === -1 ? sql.length : nl + 1;
}

// PostgreSQL block comments nest.
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

// A doubled quote character is an escaped quote; E'' strings also take backslash escapes.
function quotedEnd(sql: string, from: number, quote: string, backslashes: boolean): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashes && c === "\\") i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

function dollarToken(sql: string, from: number): [TokenKind, number] {
  const param = /^\$[0-9]+/.exec(sql.slice(from, from + 12));
  if (param) return ["param", from + param[0].length];
  const tag = DOLLAR_TAG.exec(sql.slice(from, from + 200));
  if (!tag) return ["symbol", from + 1];
  const close = sql.indexOf(tag[0], from + tag[0].length);
  return ["string", close === -1 ? sql.length : close + tag[0].length];
}

/** Splits a simple-query text into statements at top-level semicolons (kept out of the pieces). */
export function splitStatements(sql: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (const token of tokenize(sql)) {
    if (token.kind === "symbol" && token.text === ";") {
      pieces.push(sql.slice(start, token.start));
      start = token.end;
    }
  }
  pieces.push(sql.slice(start));
  return pieces;
}

/** The tokens that carry meaning: no whitespace or comments. */
export function significant(sql: string): Token[] {
  return tokenize(sql).filter((t) => t.kind !== "space");
}

/** True when the token is the given keyword (unquoted, any case). */
export function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.kind === "word" && token.text.toLowerCase() === keyword;
}

export function isSymbol(token: Token | undefined, symbol: string): boolean {
  return token?.kind === "symbol" && token.text === symbol;
}

/** An identifier as the server sees it: unquoted ones fold to lower case. */
export function identifierValue(token: Token): string {
  if (token.kind === "quoted") return token.text.slice(1, -1).replace(/""/g, '"');
  return token.text.toLowerCase();
}

export interface QualifiedName {
  /** Identifier tokens as written, schema first when qualified. */
  parts: Token[];
  /** Index of the first token after the name. */
  next: number;
}

/** Reads `ident(.ident)*` starting at tokens[at]; null when no identifier is there. */
export function readQualifiedName(tokens: Token[], at: number): QualifiedName | null {
  const parts: Token[] = [];
  let i = at;
  for (;;) {
    const token = tokens[i];
    if (!token || (token.kind !== "word" && token.kind !== "quoted")) return null;
    parts.push(token);
    i++;
    if (!isSymbol(tokens[i], ".")) return { parts, next: i };
    i++;
  }
}

/** The name as written (original quoting), for re-emitting into SQL. */
export function nameText(name: QualifiedName): string {
  return name.parts.map((p) => p.text).join(".");
}
