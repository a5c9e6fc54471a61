/**
 * The one SQL lexer: just deep enough to tell code from what only looks like code (string
 * literals, quoted identifiers, comments, dollar quotes), as both PostgreSQL and RisingWave read
 * them. Where the two would read the same text differently, the token says so (`ambiguous`) and
 * callers refuse the text rather than pick one reading: a statement hidden from one reader could
 * run on the other.
 *
 * RisingWave's rules come from src/sqlparser/src/tokenizer.rs (v2.2.0, v2.6.2, v3.0.3 and main
 * @448c6570); PostgreSQL's from its scan.l (15 and 17). The differences handled below:
 * - `--` ends at `\n` or `\r` in PostgreSQL, only at `\n` in RisingWave (tokenize_single_line_comment);
 * - nested block comments: RisingWave counts `/*` and `*` + `/` through a one-character memory
 *   (tokenize_multiline_comment, `last_ch`), so `/*` + `/` and `*` + `/*` inside a comment both
 *   close and open; PostgreSQL never lets two delimiters share a character;
 * - a string continued on a new line keeps PostgreSQL's E'' escapes; RisingWave has no continuation;
 * - RisingWave's number scanner takes `e`, then one optional `-`, then digits, even none (v3.0.3
 *   :530-538), and stops before `$`, also after `0x…`; PostgreSQL backs off and reads a name;
 * - dollar-quote tags: releases up to v3.0.3 take any alphanumeric start, digits included;
 * - before v2.6.0 (#22333) RisingWave read `#-`, `|/` and `||/` as operators even when a comment
 *   starts at their last character;
 * - a `""` inside a quoted identifier is one quote in PostgreSQL and on main (#25601); releases up
 *   to v3.0.3 end the identifier at the first `"` (:486-497), reading two names;
 * - names: RisingWave reads only ASCII unquoted names (is_identifier_start), PostgreSQL any
 *   non-ASCII character; PostgreSQL's whitespace includes `\f` and `\v`, RisingWave's does not.
 */
export type SqlTokenKind =
  | "space"
  | "comment"
  | "string"
  | "identifier"
  | "dollar-quoted"
  | "semicolon"
  | "word"
  | "number"
  | "other";

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  /** 1-based line the token starts on. */
  line: number;
  /** Set when the input ends inside the token: what was left open. */
  unterminated?: string;
  /** Set when PostgreSQL and RisingWave would read this text differently: what and why. */
  ambiguous?: string;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;
const DIGIT_FIRST_TAG = /\$[0-9][A-Za-z0-9_]*\$/y;
const NUMBER =
  /0[xX][0-9A-Fa-f]+|0[oO][0-7]+|0[bB][01]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:([eE])(-?)([0-9]*))?/y;
/** `[ \t\n\r]`: the whitespace both servers skip. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** `[A-Za-z_]`, then `[A-Za-z0-9_$]`: an unquoted name as both servers read it. */
function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}

const NO_PROBLEM: { unterminated?: string; ambiguous?: string } = Object.freeze({});

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

const NESTING =
  "ambiguous comment nesting (`/*/` or `*/*` inside a comment): RisingWave and PostgreSQL disagree where it ends";
const CARRIAGE_RETURN =
  "a -- comment ended by a carriage return: PostgreSQL ends it there, RisingWave only at a line feed";
const CONTINUED_ESCAPES =
  "an E'' string continued on a new line: PostgreSQL reads backslash escapes in the continuation, RisingWave does not";
const EXPONENT =
  "a number with an incomplete exponent (such as `1e`): RisingWave and PostgreSQL split it differently";
const DOLLAR_AFTER_NUMBER =
  "a `$` directly after a number: RisingWave starts a dollar quote there, PostgreSQL may read a name";
const DIGIT_TAG =
  "a dollar-quote tag starting with a digit (such as `$1a$`): RisingWave releases read a dollar quote, PostgreSQL a parameter";
const HASH_MINUS =
  "`#--`: RisingWave before 2.6 reads the operator `#-`, PostgreSQL the start of a comment";
const PIPE_SLASH =
  "`|/*`: RisingWave before 2.6 reads the operator `|/`, PostgreSQL the start of a comment";
const NUL = "a NUL character: the server would read the text only up to it";
const DOUBLED_QUOTE =
  'a doubled quote ("") inside a quoted identifier: PostgreSQL and RisingWave from v3.1 read one quote, releases up to v3.0.3 end the name there';

function strayCharacter(char: string): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return char.charCodeAt(0) < 0x80
    ? `the control character ${code} outside quotes: PostgreSQL reads it as a space, RisingWave as a stray character`
    : `the character '${char}' (${code}) outside quotes: RisingWave reads no unquoted non-ASCII name, PostgreSQL does; put the name in double quotes`;
}

function match(pattern: RegExp, sql: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(sql);
}

/** Every token of `sql`, in order: their texts joined give `sql` back. */
export function sqlTokens(sql: string): SqlToken[] {
  // An array rather than a generator: every caller reads (nearly) all tokens, and a generator's
  // resumptions and result objects cost more than the tokens themselves.
  const tokens: SqlToken[] = [];
  scanSqlTokens(sql, (kind, start, end, line, unterminated, ambiguous) => {
    const token: SqlToken = { kind, text: sql.slice(start, end), line };
    if (unterminated) token.unterminated = unterminated;
    if (ambiguous) token.ambiguous = ambiguous;
    tokens.push(token);
  });
  return tokens;
}

/**
 * One token: its kind, where it starts and ends in the text, the line it starts on, and what is
 * wrong with it, if anything (see SqlToken).
 */
export type SqlTokenSink = (
  kind: SqlTokenKind,
  start: number,
  end: number,
  line: number,
  unterminated: string | undefined,
  ambiguous: string | undefined,
) => void;

/**
 * The lexer itself, handing each token to `sink` as offsets into `sql`: callers that only need
 * kinds and positions (the statement splitter, on every model) make no token objects or texts.
 */
export function scanSqlTokens(sql: string, sink: SqlTokenSink): void {
  const hasNul = sql.includes("\0");
  let index = 0;
  let line = 1;
  let previousKind: SqlTokenKind | undefined;
  let previousStart = 0;
  let previousEnd = 0;
  const token: MakeToken = (kind, end, problem = NO_PROBLEM) => {
    const nul = hasNul && sql.slice(index, end).includes("\0");
    sink(
      kind,
      index,
      end,
      line,
      problem.unterminated,
      problem.ambiguous ?? (nul ? NUL : undefined),
    );
    for (let i = sql.indexOf("\n", index); i !== -1 && i < end; i = sql.indexOf("\n", i + 1)) {
      line++;
    }
    previousKind = kind;
    previousStart = index;
    previousEnd = end;
    index = end;
  };
  /** The previous token is the one character `char` of code (an operator character). */
  const after = (char: string) =>
    previousKind === "other" && previousEnd - previousStart === 1 && sql[previousStart] === char;

  while (index < sql.length) {
    const char = sql[index] as string;
    const next = sql[index + 1];
    if (isSpace(sql.charCodeAt(index))) {
      let end = index + 1;
      while (isSpace(sql.charCodeAt(end))) end++;
      token("space", end);
    } else if (char === "-" && next === "-") {
      lineComment(sql, index, after("#"), token);
    } else if (char === "/" && next === "*") {
      const { end, agree } = blockCommentEnd(sql, index);
      token("comment", end ?? sql.length, {
        unterminated: end === undefined && agree ? "block comment" : undefined,
        ambiguous: agree ? (after("|") ? PIPE_SLASH : undefined) : NESTING,
      });
    } else if (char === "'") {
      const escapes =
        previousKind === "word" &&
        previousEnd - previousStart === 1 &&
        (sql[previousStart] === "e" || sql[previousStart] === "E");
      const end = quotedEnd(sql, index, "'", escapes);
      const continued = escapes && end !== undefined && continuesString(sql, end);
      token("string", end ?? sql.length, {
        unterminated: end === undefined ? "string literal" : undefined,
        ambiguous: continued ? CONTINUED_ESCAPES : undefined,
      });
    } else if (char === '"') {
      const end = quotedEnd(sql, index, '"', false);
      const text = sql.slice(index, end ?? sql.length);
      token("identifier", end ?? sql.length, {
        unterminated: end === undefined ? "quoted identifier" : undefined,
        ambiguous: text.length > 2 && text.slice(1, -1).includes('""') ? DOUBLED_QUOTE : undefined,
      });
    } else if (char === "$") {
      dollar(sql, index, previousKind === "number", token);
    } else if (char === ";") {
      token("semicolon", index + 1);
    } else {
      codeToken(sql, index, token);
    }
  }
}

/** A name, a number, or a single character of code. */
function codeToken(sql: string, index: number, token: MakeToken): void {
  const first = sql.charCodeAt(index);
  if (isWordStart(first)) {
    let end = index + 1;
    while (isWordPart(sql.charCodeAt(end))) end++;
    token("word", end);
    return;
  }
  // A number starts with a digit or a `.`: nothing else is worth the pattern.
  const number = (first >= 48 && first <= 57) || first === 46 ? match(NUMBER, sql, index) : null;
  if (number) {
    const incomplete = number[1] !== undefined && number[3] === "";
    token("number", index + number[0].length, {
      ambiguous: incomplete ? EXPONENT : undefined,
    });
    return;
  }
  const char = String.fromCodePoint(sql.codePointAt(index) ?? 0);
  if (char === "\0") token("other", index + 1, { ambiguous: NUL });
  else if (char < " " || char >= "\u007f") {
    token("other", index + char.length, { ambiguous: strayCharacter(char) });
  } else token("other", index + 1);
}

type MakeToken = (
  kind: SqlTokenKind,
  end: number,
  problem?: { unterminated?: string; ambiguous?: string },
) => void;

function lineComment(sql: string, start: number, afterHash: boolean, token: MakeToken): void {
  const newline = sql.indexOf("\n", start);
  const end = newline === -1 ? sql.length : newline;
  const carriageReturn = /\r(?!\n)/.test(sql.slice(start, end + 1));
  token("comment", end, {
    ambiguous: afterHash ? HASH_MINUS : carriageReturn ? CARRIAGE_RETURN : undefined,
  });
}

function dollar(sql: string, start: number, afterNumber: boolean, token: MakeToken): void {
  if (afterNumber) {
    token("other", start + 1, { ambiguous: DOLLAR_AFTER_NUMBER });
    return;
  }
  if (match(DIGIT_FIRST_TAG, sql, start)) {
    token("other", DIGIT_FIRST_TAG.lastIndex, { ambiguous: DIGIT_TAG });
    return;
  }
  const tag = match(DOLLAR_TAG, sql, start)?.[0];
  if (tag === undefined) {
    token("other", start + 1);
    return;
  }
  const close = sql.indexOf(tag, start + tag.length);
  if (close === -1) token("dollar-quoted", sql.length, { unterminated: "dollar-quoted string" });
  else token("dollar-quoted", close + tag.length);
}

/**
 * Where a block comment ends for PostgreSQL (nesting, delimiters never overlapping) and whether
 * RisingWave's scanner, which remembers only the last character, ends it at the same place.
 */
function blockCommentEnd(sql: string, start: number): { end?: number; agree: boolean } {
  const postgres = postgresCommentEnd(sql, start);
  return { end: postgres, agree: postgres === risingWaveCommentEnd(sql, start) };
}

function postgresCommentEnd(sql: string, start: number): number | undefined {
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

function risingWaveCommentEnd(sql: string, start: number): number | undefined {
  let depth = 1;
  let last = " ";
  for (let i = start + 2; i < sql.length; i++) {
    const char = sql[i] as string;
    if (last === "/" && char === "*") depth++;
    else if (last === "*" && char === "/" && --depth === 0) return i + 1;
    last = char;
  }
  return undefined;
}

/** PostgreSQL joins a string to the previous one across whitespace holding a newline. */
function continuesString(sql: string, from: number): boolean {
  let newline = false;
  let i = from;
  for (;;) {
    const char = sql[i];
    if (char === "\n" || char === "\r") {
      newline = true;
      i++;
    } else if (char === " " || char === "\t" || char === "\f" || char === "\v") {
      i++;
    } else if (char === "-" && sql[i + 1] === "-") {
      const end = sql.slice(i).search(/[\n\r]/);
      if (end === -1) return false;
      i += end;
    } else {
      return newline && char === "'";
    }
  }
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
