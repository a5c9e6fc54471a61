/**
 * Jinja2's lexer, with the settings dbt uses: default delimiters, no trim_blocks/lstrip_blocks,
 * no line statements, a single trailing newline dropped. Follows jinja2/lexer.py (3.1): `-`
 * strips whitespace on its side of a tag, `+` only disables trim/lstrip (both off here), raw
 * blocks are data, string literals unescape as Python's `unicode-escape` codec does.
 */
import { TemplateSyntaxError } from "./errors.js";

export type TokenType =
  | "data"
  | "variable_begin"
  | "variable_end"
  | "block_begin"
  | "block_end"
  | "name"
  | "string"
  | "integer"
  | "float"
  | "operator"
  | "eof";

export interface Token {
  type: TokenType;
  /** The operator itself for operators, the unescaped text for strings and data. */
  value: string;
  /** Integer and float literals' values. */
  number: number | undefined;
  line: number;
}

const OPERATORS = [
  "//",
  "**",
  "==",
  "!=",
  ">=",
  "<=",
  "+",
  "-",
  "/",
  "*",
  "%",
  "~",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ">",
  "<",
  "=",
  ".",
  ":",
  "|",
  ",",
  ";",
];
/** Two-character operators by their two character codes, `first << 16 | second`. */
const TWO_CHAR_OPERATORS = new Map(
  OPERATORS.filter((op) => op.length === 2).map((op) => [
    (op.charCodeAt(0) << 16) | op.charCodeAt(1),
    op,
  ]),
);
const ONE_CHAR_OPERATORS = new Map(
  OPERATORS.filter((op) => op.length === 1).map((op) => [op.charCodeAt(0), op]),
);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INTEGER =
  /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const WHITESPACE = /\s+/y;
const RAW_BEGIN = /\{%([-+]?)\s*raw\s*(-%\}\s*|%\})/y;
const END_RAW = /\{%([-+]?)\s*endraw\s*(\+%\}|-%\}\s*|%\})/g;
const COMMENT_END = /([+-]?)#\}/g;

export function tokenize(input: string, file: string, firstLine = 1): Token[] {
  const source = normaliseNewlines(input);
  const lines = new LineCounter(source, firstLine);
  const tokens: Token[] = [];
  const pushData = (text: string, at: number) => {
    if (text !== "") tokens.push(token("data", text, lines.at(at)));
  };
  let pos = 0;
  while (pos < source.length) {
    const start = tagStart(source, pos);
    if (start === -1) {
      pushData(source.slice(pos), pos);
      break;
    }
    const kind = source.charCodeAt(start + 1);
    const control = source.charCodeAt(start + 2);
    const afterStart = control === 45 || control === 43 ? start + 3 : start + 2;
    RAW_BEGIN.lastIndex = start;
    const raw = kind === 37 ? RAW_BEGIN.exec(source) : null;
    const text = source.slice(pos, start);
    pushData((raw ? raw[1] === "-" : control === 45) ? text.trimEnd() : text, pos);
    if (raw) {
      pos = readRaw(source, raw.index + raw[0].length, lines, file, pushData);
    } else if (kind === 35) {
      COMMENT_END.lastIndex = afterStart;
      const end = COMMENT_END.exec(source);
      if (!end) throw new TemplateSyntaxError("Missing end of comment tag", file, lines.at(start));
      pos = end.index + end[0].length;
      if (end[1] === "-") pos = skipWhitespace(source, pos);
    } else {
      const block = kind === 37;
      tokens.push(token(block ? "block_begin" : "variable_begin", "", lines.at(start)));
      pos = lexTag(source, afterStart, block, file, tokens, lines);
    }
  }
  tokens.push(token("eof", "", lines.at(source.length)));
  return tokens;
}

/**
 * Where the next tag (`{%`, `{{` or `{#`) starts at or after `from`, -1 if none does; found by
 * character, without a match object per tag.
 */
function tagStart(source: string, from: number): number {
  for (let i = source.indexOf("{", from); i !== -1; i = source.indexOf("{", i + 1)) {
    const next = source.charCodeAt(i + 1);
    if (next === 37 || next === 123 || next === 35) return i;
  }
  return -1;
}

/** Every token has the same shape, which keeps the parser's property reads monomorphic. */
function token(type: TokenType, value: string, line: number, number?: number): Token {
  return { type, value, number, line };
}

/** Line numbers of offsets, read in increasing order. */
class LineCounter {
  private offset = 0;
  private line: number;
  constructor(
    private readonly source: string,
    private readonly firstLine: number,
  ) {
    this.line = firstLine;
  }
  at(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = this.firstLine;
    }
    for (
      let i = this.source.indexOf("\n", this.offset);
      i !== -1 && i < offset;
      i = this.source.indexOf("\n", i + 1)
    ) {
      this.line++;
    }
    this.offset = offset;
    return this.line;
  }
}

/**
 * Tokens inside `{% … %}` or `{{ … }}`, up to and including the end tag. End tags only count when
 * brackets are balanced, so `{{ {'a': {'b': 1}} }}` works as in Jinja2.
 */
function lexTag(
  source: string,
  from: number,
  block: boolean,
  file: string,
  tokens: Token[],
  lines: LineCounter,
): number {
  let pos = from;
  let balance: string[] | undefined;
  for (;;) {
    // No end tag starts with whitespace, so it is skipped before looking for one.
    let c = source.charCodeAt(pos);
    while (c === 32 || c === 10 || c === 9 || c === 13) c = source.charCodeAt(++pos);
    if (pos >= source.length) {
      throw new TemplateSyntaxError(
        `unexpected end of template, expected '${block ? "end of statement block" : "end of print statement"}'`,
        file,
        lines.at(pos),
      );
    }
    if (!balance?.length) {
      const end = matchTagEnd(source, pos, block);
      if (end !== undefined) {
        tokens.push(token(block ? "block_end" : "variable_end", "", lines.at(pos)));
        return end;
      }
    }
    if (c >= 48 && c <= 57) {
      FLOAT.lastIndex = pos;
      const float = FLOAT.exec(source);
      if (float) {
        tokens.push(token("float", float[0], lines.at(pos), Number(float[0].replaceAll("_", ""))));
        pos += float[0].length;
        continue;
      }
      INTEGER.lastIndex = pos;
      const integer = INTEGER.exec(source)!;
      tokens.push(
        token("integer", integer[0], lines.at(pos), parseInteger(integer[0].replaceAll("_", ""))),
      );
      pos += integer[0].length;
      continue;
    }
    const asciiNameStart = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (asciiNameStart) {
      let end = pos + 1;
      while (isAsciiNameChar(source.charCodeAt(end))) end++;
      if (end >= source.length || source.charCodeAt(end) < 128) {
        tokens.push(token("name", source.slice(pos, end), lines.at(pos)));
        pos = end;
        continue;
      }
    }
    if (asciiNameStart || c > 127) {
      WHITESPACE.lastIndex = pos;
      const space = c > 127 ? WHITESPACE.exec(source) : null;
      if (space) {
        pos += space[0].length;
        continue;
      }
      NAME.lastIndex = pos;
      const name = NAME.exec(source);
      if (name) {
        tokens.push(token("name", name[0], lines.at(pos)));
        pos += name[0].length;
        continue;
      }
    }
    if (c === 39 || c === 34) {
      const end = stringEnd(source, pos);
      if (end !== undefined) {
        const line = lines.at(pos);
        tokens.push(
          token("string", unescapePython(source.slice(pos + 1, end - 1), file, line), line),
        );
        pos = end;
        continue;
      }
    }
    if (c === 11 || c === 12) {
      pos++;
      continue;
    }
    const operator = operatorAt(source, pos);
    if (operator === undefined) {
      throw new TemplateSyntaxError(
        `unexpected char '${source[pos]}' at ${pos}`,
        file,
        lines.at(pos),
      );
    }
    const closer = CLOSERS[operator];
    if (closer) {
      (balance ??= []).push(closer);
    } else if (operator === ")" || operator === "]" || operator === "}") {
      const expected = balance?.pop();
      if (expected !== operator) {
        throw new TemplateSyntaxError(
          expected === undefined
            ? `unexpected '${operator}'`
            : `unexpected '${operator}', expected '${expected}'`,
          file,
          lines.at(pos),
        );
      }
    }
    tokens.push(token("operator", operator, lines.at(pos)));
    pos += operator.length;
  }
}

/**
 * Where the string literal opening at `pos` ends (after its closing quote), undefined when it is
 * not closed: a backslash escapes the next character, newlines included, as in Jinja2's string
 * rule.
 */
function stringEnd(source: string, pos: number): number | undefined {
  const quote = source.charCodeAt(pos);
  for (let i = pos + 1; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 92) i++;
    else if (c === quote) return i + 1;
  }
  return undefined;
}

function isAsciiNameChar(d: number): boolean {
  return (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95;
}

/** The operator at `pos` (the longest that matches), as one of OPERATORS' own strings. */
function operatorAt(source: string, pos: number): string | undefined {
  const c = source.charCodeAt(pos);
  const d = source.charCodeAt(pos + 1);
  return TWO_CHAR_OPERATORS.get((c << 16) | d) ?? ONE_CHAR_OPERATORS.get(c);
}

/** Where the tag closing at `pos` ends (whitespace after `-%}`/`-}}` included), if it closes there. */
function matchTagEnd(source: string, pos: number, block: boolean): number | undefined {
  const c = source.charCodeAt(pos);
  const first = block ? 37 : 125; // `%` or `}`
  if (c === first && source.charCodeAt(pos + 1) === 125) return pos + 2;
  if ((c === 45 || (block && c === 43)) && source.charCodeAt(pos + 1) === first) {
    if (source.charCodeAt(pos + 2) !== 125) return undefined;
    return c === 45 ? skipWhitespace(source, pos + 3) : pos + 3;
  }
  return undefined;
}

function readRaw(
  source: string,
  from: number,
  lines: LineCounter,
  file: string,
  pushData: (text: string, at: number) => void,
): number {
  END_RAW.lastIndex = from;
  const end = END_RAW.exec(source);
  if (!end) throw new TemplateSyntaxError("Missing end of raw directive", file, lines.at(from));
  const data = source.slice(from, end.index);
  pushData(end[1] === "-" ? data.trimEnd() : data, from);
  return end.index + end[0].length;
}

function skipWhitespace(source: string, pos: number): number {
  WHITESPACE.lastIndex = pos;
  const space = WHITESPACE.exec(source);
  return space ? pos + space[0].length : pos;
}

/** Jinja2 treats `\r\n`, `\r` and `\n` as line breaks, writes `\n`, and drops one final newline. */
function normaliseNewlines(source: string): string {
  const text = source.includes("\r") ? source.replace(/\r\n?/g, "\n") : source;
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

function parseInteger(text: string): number {
  const prefix = text.slice(0, 2).toLowerCase();
  if (prefix === "0b") return parseInt(text.slice(2), 2);
  if (prefix === "0o") return parseInt(text.slice(2), 8);
  if (prefix === "0x") return parseInt(text.slice(2), 16);
  return Number(text);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

/**
 * Python's `unicode-escape` decoding of a string literal's body: the usual escapes, octal, `\x`,
 * `\u`, `\U`; an unknown escape such as `\/` keeps its backslash.
 */
export function unescapePython(body: string, file: string, line: number): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== "\\" || i === body.length - 1) {
      out += char;
      continue;
    }
    const next = body[i + 1]!;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      out += String.fromCodePoint(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    const width = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (width > 0) {
      const hex = body.slice(i + 2, i + 2 + width);
      if (hex.length !== width || !/^[\da-fA-F]+$/.test(hex)) {
        throw new TemplateSyntaxError(`truncated \\${next}${"X".repeat(width)} escape`, file, line);
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 1 + width;
      continue;
    }
    if (next === "N") {
      throw new TemplateSyntaxError("\\N{…} escapes are not supported", file, line);
    }
    out += char;
  }
  return out;
}
