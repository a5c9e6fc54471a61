/**
 * SQL text with comments removed and whitespace reduced to what separates two words, leaving
 * string literals, quoted identifiers and dollar-quoted bodies untouched: two texts normalise
 * equal when they differ only in comments and layout. The result is for comparing, not running.
 */
export function normaliseSql(sql: string): string {
  let out = "";
  let pendingSpace = false;
  let i = 0;
  const emit = (text: string) => {
    if (pendingSpace && isWordChar(out.at(-1)) && isWordChar(text[0])) out += " ";
    pendingSpace = false;
    out += text;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      pendingSpace = true;
      i++;
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      pendingSpace = true;
    } else if (c === "/" && next === "*") {
      i = blockCommentEnd(sql, i);
      pendingSpace = true;
    } else if (c === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? "") && !isWordChar(sql[i - 2]);
      const end = quotedEnd(sql, i, "'", escapes);
      emit(sql.slice(i, end));
      i = end;
    } else if (c === '"') {
      const end = quotedEnd(sql, i, '"', false);
      emit(sql.slice(i, end));
      i = end;
    } else if (c === "$" && !isWordChar(sql[i - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      const close = tag ? sql.indexOf(tag[0], i + tag[0].length) : -1;
      const end = tag ? (close === -1 ? sql.length : close + tag[0].length) : i + 1;
      emit(sql.slice(i, end));
      i = end;
    } else {
      emit(c);
      i++;
    }
  }
  return out;
}

/** Word characters: a space between two of them is significant. */
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\w$\u0080-\uffff]/.test(c);
}

/** PostgreSQL block comments nest. */
function blockCommentEnd(sql: string, start: number): number {
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
  return sql.length;
}

/** End of a quoted token: the quote doubled is an escape, and so is a backslash in E'' strings. */
function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}
