/**
 * A lexer just deep enough to find statement boundaries in PostgreSQL/RisingWave SQL: it knows
 * string literals ('…', E'…' with backslash escapes), quoted identifiers, line and nested block
 * comments, and dollar quotes. A `;` inside any of those is not a boundary.
 */
export interface SqlStatement {
  text: string;
  /** 1-based line of the statement's first meaningful character. */
  line: number;
}

export class UnterminatedSqlError extends Error {
  constructor(
    readonly what: string,
    readonly line: number,
  ) {
    super(`unterminated ${what} starting on line ${line}`);
    this.name = "UnterminatedSqlError";
  }
}

const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

export function splitSqlStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let line = 1;
  let firstMeaningful: { index: number; line: number } | undefined;
  let index = 0;

  const markMeaningful = () => {
    firstMeaningful ??= { index, line };
  };
  const advanceTo = (end: number) => {
    for (let i = index; i < end; i++) if (sql[i] === "\n") line++;
    index = end;
  };
  const closeStatement = (end: number) => {
    if (firstMeaningful) {
      statements.push({ text: sql.slice(start, end).trim(), line: firstMeaningful.line });
    }
    firstMeaningful = undefined;
    start = end + 1;
  };

  while (index < sql.length) {
    const char = sql[index];
    const next = sql[index + 1];
    if (char === "-" && next === "-") {
      const end = sql.indexOf("\n", index);
      advanceTo(end === -1 ? sql.length : end);
    } else if (char === "/" && next === "*") {
      advanceTo(blockCommentEnd(sql, index, line));
    } else if (char === "'") {
      markMeaningful();
      const escapes = index > 0 && /[eE]/.test(sql[index - 1] ?? "") && !isWordChar(sql[index - 2]);
      advanceTo(quotedEnd(sql, index, "'", escapes, "string literal", line));
    } else if (char === '"') {
      markMeaningful();
      advanceTo(quotedEnd(sql, index, '"', false, "quoted identifier", line));
    } else if (char === "$" && !isWordChar(sql[index - 1])) {
      const tag = DOLLAR_TAG.exec(sql.slice(index, index + 200))?.[0];
      markMeaningful();
      if (tag) {
        const close = sql.indexOf(tag, index + tag.length);
        if (close === -1) throw new UnterminatedSqlError("dollar-quoted string", line);
        advanceTo(close + tag.length);
      } else {
        advanceTo(index + 1);
      }
    } else if (char === ";") {
      closeStatement(index);
      advanceTo(index + 1);
    } else {
      if (char !== undefined && !/\s/.test(char)) markMeaningful();
      advanceTo(index + 1);
    }
  }
  closeStatement(sql.length);
  return statements;
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_\u0080-\uffff]/.test(char);
}

function blockCommentEnd(sql: string, start: number, line: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new UnterminatedSqlError("block comment", line);
}

function quotedEnd(
  sql: string,
  start: number,
  quote: string,
  backslashEscapes: boolean,
  what: string,
  line: number,
): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === "\\") {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      i++;
    }
  }
  throw new UnterminatedSqlError(what, line);
}
