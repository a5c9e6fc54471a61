import { scanSqlTokens } from "./lexer.js";

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

/** Text that PostgreSQL and RisingWave would split or read differently; never guessed at. */
export class AmbiguousSqlError extends Error {
  constructor(
    readonly construct: string,
    readonly line: number,
  ) {
    super(`${construct} (line ${line})`);
    this.name = "AmbiguousSqlError";
  }
}

/**
 * Statements split at the `;` that are code: not those in strings, identifiers, comments or dollar
 * quotes. A `;` with no statement before it gives an empty statement (text ""), since a wrapper
 * such as `CREATE … AS ` would put it inside the text; what follows the last `;` counts only if it
 * holds code.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  // Tokens cover the text end to end, so a statement is the slice from its first token to the
  // `;` (or the end), cut once rather than rebuilt token by token.
  let start = 0;
  let firstLine: number | undefined;
  const close = (end: number) => {
    if (firstLine !== undefined) {
      statements.push({ text: sql.slice(start, end).trim(), line: firstLine });
    }
    firstLine = undefined;
  };
  scanSqlTokens(sql, (kind, tokenStart, end, line, unterminated, ambiguous) => {
    if (unterminated) throw new UnterminatedSqlError(unterminated, line);
    if (ambiguous) throw new AmbiguousSqlError(ambiguous, line);
    if (kind === "semicolon") {
      firstLine ??= line;
      close(tokenStart);
      start = end;
    } else if (kind !== "space" && kind !== "comment") {
      firstLine ??= line;
    }
  });
  close(sql.length);
  return statements;
}
