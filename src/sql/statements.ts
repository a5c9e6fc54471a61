import { sqlTokens } from "./lexer.js";

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

/** Statements split at the `;` that are code: not those in strings, identifiers, comments or dollar quotes. */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let text = "";
  let firstLine: number | undefined;
  const close = () => {
    if (firstLine !== undefined) statements.push({ text: text.trim(), line: firstLine });
    text = "";
    firstLine = undefined;
  };
  for (const token of sqlTokens(sql)) {
    if (token.unterminated) throw new UnterminatedSqlError(token.unterminated, token.line);
    if (token.kind === "semicolon") {
      close();
      continue;
    }
    if (token.kind !== "space" && token.kind !== "comment") firstLine ??= token.line;
    text += token.text;
  }
  close();
  return statements;
}
