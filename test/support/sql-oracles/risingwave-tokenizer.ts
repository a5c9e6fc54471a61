// A reference model of RisingWave's SQL tokenizer, written from its source
// (src/sqlparser/src/tokenizer.rs) for differential tests of our lexer. It follows
// `Tokenizer::next_token` branch by branch, on Unicode scalar values as Rust's `char`s, and
// reports only what statement splitting needs: the tokens that are not whitespace, or the
// tokenizer's error. Line numbers below are of v3.0.3 unless another version is named.
//
// Three variants, which differ only where the source does:
// - "v2.2":  v2.2.0 to v2.5.x: hand-written operator arms (v2.2.0:655-838), which read `#-`,
//            `|/` and `||/` even where PostgreSQL starts a comment (replaced in v2.6.0, #22333);
// - "v3.0":  v2.6.0 to v3.0.3: PostgreSQL's operator rule (:575-650); dollar quotes with any
//            alphanumeric tag whose body ends at the first `$` (:659-749); no `""` escape in
//            quoted identifiers (:486-497);
// - "main":  main @448c6570: tags `[A-Za-z_][A-Za-z0-9_]*` whose body ends at the first
//            `$tag$` (main:681-740, is_valid_dollar_quote_tag :1057); `""` escapes (main:650-678).
// Everything else is the same code in all three: whitespace is only ' ', '\t', '\n', '\r'
// (:420-433); `--` runs to '\n' (:761-768); block comments nest through a one-character memory
// (:973-993); numbers (:499-548) take `e`, one optional `-` and any digits; a non-ASCII
// character outside quotes is a `Char` token (:652).

export type RisingWaveVariant = "v2.2" | "v3.0" | "main";

export type RisingWaveToken =
  | { kind: "semicolon" }
  | { kind: "string" | "dollar" | "word" | "number" | "op" | "char" | "punct"; text: string };

export class RisingWaveTokenizerError extends Error {}

const OP_CHARS = new Set([..."+-*/<>=~!@#%^&|`?"]);
const OP_EXT = new Set([..."~!@#%^&|`?"]);

const isAsciiDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";
const isAsciiAlpha = (ch: string | undefined) => ch !== undefined && /^[A-Za-z]$/.test(ch);
const isIdentifierStart = (ch: string | undefined) => isAsciiAlpha(ch) || ch === "_";
const isIdentifierPart = (ch: string | undefined) =>
  ch !== undefined && (/^[A-Za-z0-9]$/.test(ch) || ch === "$" || ch === "_");
// Rust's char::is_alphanumeric: Unicode Alphabetic or Numeric.
const isAlphanumeric = (ch: string | undefined) =>
  ch !== undefined && /^[\p{Alphabetic}\p{N}]$/u.test(ch);

export function risingWaveTokens(sql: string, variant: RisingWaveVariant): RisingWaveToken[] {
  const chars = Array.from(sql);
  let i = 0;
  const peek = (offset = 0) => chars[i + offset];
  const takeWhile = (predicate: (ch: string) => boolean) => {
    let out = "";
    while (i < chars.length && predicate(chars[i] as string)) out += chars[i++];
    return out;
  };
  const fail = (message: string): never => {
    throw new RisingWaveTokenizerError(message);
  };
  const tokens: RisingWaveToken[] = [];
  const push = (kind: Exclude<RisingWaveToken["kind"], "semicolon">, text: string) =>
    tokens.push({ kind, text });

  // :761-768
  const lineComment = () => {
    takeWhile((ch) => ch !== "\n");
    if (i < chars.length) i++;
  };
  // :973-993
  const blockComment = () => {
    let nested = 1;
    let last = " ";
    for (;;) {
      const ch = chars[i++];
      if (ch === undefined) fail("Unexpected EOF while in a multi-line comment");
      if (last === "/" && ch === "*") nested++;
      else if (last === "*" && ch === "/") {
        nested--;
        if (nested === 0) return;
      }
      last = ch as string;
    }
  };
  // :778-810 and, with backslash escapes, :812-850 (E'...'): a backslash escapes only ' and \.
  const quoted = (escapes: boolean) => {
    i++;
    while (i < chars.length) {
      const ch = chars[i++] as string;
      if (ch === "'") {
        if (peek() !== "'") return "'";
        i++;
      } else if (escapes && ch === "\\" && (peek() === "'" || peek() === "\\")) i++;
    }
    return fail("Unterminated string literal");
  };
  // :486-497; main:650-678
  const delimited = () => {
    i++;
    let s = "";
    while (i < chars.length) {
      const ch = chars[i++] as string;
      if (ch !== '"') s += ch;
      else if (variant === "main" && peek() === '"') {
        s += '"';
        i++;
      } else return s;
    }
    return fail("Expected close delimiter '\"' before EOF.");
  };
  // :751-757
  const rejectNumberJunk = () => {
    if (isIdentifierStart(peek())) fail("trailing junk after numeric literal");
  };
  // :499-548
  const number = () => {
    let s = takeWhile(isAsciiDigit);
    const radix = peek()?.toLowerCase();
    if (s === "0" && radix !== undefined && "xob".includes(radix)) {
      i++;
      const base = radix === "x" ? 16 : radix === "o" ? 8 : 2;
      const digits = takeWhile(
        (ch) => !Number.isNaN(Number.parseInt(ch, base)) && /^[0-9a-f]$/i.test(ch),
      );
      if (digits === "") fail("incomplete integer literal");
      rejectNumberJunk();
      return push("number", `0${radix}${digits}`);
    }
    if (peek() === ".") {
      s += ".";
      i++;
    }
    s += takeWhile(isAsciiDigit);
    if (s === ".") return push("punct", ".");
    if (peek() === "e" || peek() === "E") {
      s += "e";
      i++;
      if (peek() === "-") {
        s += "-";
        i++;
      }
      s += takeWhile(isAsciiDigit);
    }
    rejectNumberJunk();
    return push("number", s);
  };
  // :659-749 (v2.2, v3.0); main:681-740
  const dollar = () => {
    i++;
    if (peek() === "$") {
      i++;
      if (variant === "main") {
        while (i < chars.length) {
          if (peek() === "$" && peek(1) === "$") {
            i += 2;
            return push("dollar", "$$");
          }
          i++;
        }
        return fail("Unterminated dollar-quoted string");
      }
      let terminated = false;
      let prev: string | undefined;
      while (i < chars.length) {
        const ch = chars[i] as string;
        if (prev === "$" && ch === "$") {
          i++;
          terminated = true;
          break;
        }
        prev = ch;
        i++;
      }
      if (i >= chars.length && !terminated) fail("Unterminated dollar-quoted string");
      return push("dollar", "$$");
    }
    const tag =
      variant === "main"
        ? takeWhile((ch) => /^[A-Za-z0-9_]$/.test(ch))
        : takeWhile((ch) => isAlphanumeric(ch) || ch === "_");
    if (peek() !== "$") return push("word", `$${tag}`);
    if (variant === "main") {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tag)) fail(`Invalid dollar-quoted string tag "${tag}"`);
      i++;
      const delimiter = Array.from(`$${tag}$`);
      while (i < chars.length) {
        if (delimiter.every((ch, k) => chars[i + k] === ch)) {
          i += delimiter.length;
          return push("dollar", tag);
        }
        i++;
      }
      return fail(`Unterminated dollar-quoted string at or near "${tag}"`);
    }
    i++;
    takeWhile((ch) => ch !== "$");
    if (peek() !== "$") fail("Unterminated dollar-quoted, expected $");
    i++;
    for (const c of Array.from(tag)) {
      if (chars[i++] !== c) fail(`Unterminated dollar-quoted string at or near "${tag}"`);
    }
    if (peek() !== "$") fail("Unterminated dollar-quoted string, expected $");
    i++;
    return push("dollar", tag);
  };
  // :575-650 (v2.6.0 and later)
  const operator = () => {
    let taken = "";
    for (let k = i; k < chars.length && OP_CHARS.has(chars[k] as string); k++) taken += chars[k];
    const starts = [taken.indexOf("/*"), taken.indexOf("--")].filter((at) => at >= 0);
    const pos = starts.length > 0 ? Math.min(...starts) : taken.length;
    let op = taken.slice(0, pos);
    if (op === "") {
      const first = chars[i];
      i += 2;
      return first === "-" ? lineComment() : blockComment();
    }
    if (op.length > 1 && /[+-]$/.test(op) && ![...op].some((ch) => OP_EXT.has(ch))) {
      op = op.replace(/[+-]+$/, "");
      if (op === "") op = taken.slice(0, 1);
    }
    i += op.length;
    return push("op", op);
  };
  // v2.2.0:655-838: the arms that matter for comments; the others take one or two characters
  // that can never start a comment.
  const legacyOperator = () => {
    const ch = chars[i] as string;
    const next = peek(1);
    if (ch === "-" && next === "-") {
      i += 2;
      return lineComment();
    }
    if (ch === "/" && next === "*") {
      i += 2;
      return blockComment();
    }
    const longest = [
      "->>",
      "->",
      "||/",
      "|/",
      "||",
      "=>",
      "!=",
      "!!",
      "!~~*",
      "!~~",
      "!~*",
      "!~",
      "<=>",
      "<=",
      "<>",
      "<<",
      "<@",
      ">=",
      ">>",
      "^@",
      "~~*",
      "~~",
      "~*",
      "#-",
      "#>>",
      "#>",
      "@>",
      "@?",
      "@@",
      "?|",
      "?&",
    ]
      .filter((op) => Array.from(op).every((c, k) => chars[i + k] === c))
      .sort((a, b) => b.length - a.length)[0];
    const op = longest ?? ch;
    i += Array.from(op).length;
    return push("op", op);
  };

  while (i < chars.length) {
    const ch = chars[i] as string;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") i++;
    else if (ch === "N" || ch === "x" || ch === "X") {
      i++;
      if (peek() === "'") push("string", quoted(false));
      else push("word", ch + takeWhile(isIdentifierPart));
    } else if (ch === "e" || ch === "E") {
      i++;
      if (peek() === "'") push("string", quoted(true));
      else push("word", ch + takeWhile(isIdentifierPart));
    } else if (isIdentifierStart(ch)) {
      i++;
      push("word", ch + takeWhile(isIdentifierPart));
    } else if (ch === "'") push("string", quoted(false));
    else if (ch === '"') push("word", delimited());
    else if (isAsciiDigit(ch) || ch === ".") number();
    else if ("(),[]{}\\".includes(ch)) {
      i++;
      push("punct", ch);
    } else if (ch === ":") {
      i++;
      if (peek() === ":") {
        i++;
        push("punct", "::");
      } else push("punct", ":");
    } else if (ch === "$") dollar();
    else if (ch === ";") {
      i++;
      tokens.push({ kind: "semicolon" });
    } else if (OP_CHARS.has(ch)) {
      if (variant === "v2.2") legacyOperator();
      else operator();
    } else {
      i++;
      push("char", ch);
    }
  }
  return tokens;
}

/**
 * How many statements RisingWave's parser would be handed: the non-empty runs of tokens between
 * semicolons (Parser::parse_statements skips empty ones), or "error" when the tokenizer fails,
 * in which case RisingWave runs nothing.
 */
export function risingWaveStatementCount(
  sql: string,
  variant: RisingWaveVariant,
): number | "error" {
  let tokens: RisingWaveToken[];
  try {
    tokens = risingWaveTokens(sql, variant);
  } catch (error) {
    if (error instanceof RisingWaveTokenizerError) return "error";
    throw error;
  }
  let count = 0;
  let open = false;
  for (const token of tokens) {
    if (token.kind === "semicolon") open = false;
    else if (!open) {
      open = true;
      count++;
    }
  }
  return count;
}
