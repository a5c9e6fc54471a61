import { splitSqlStatements, UnterminatedSqlError } from "./statements.js";

export class SqlShapeError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "SqlShapeError";
  }
}

/**
 * Model SQL and hooks come from pull requests: a second statement stacked after a `;` would run
 * with the deploy's privileges, so anything but exactly one statement is refused.
 * Returns the statement without its trailing `;`.
 */
export function requireSingleStatement(sql: string, what: string): string {
  let statements;
  try {
    statements = splitSqlStatements(sql);
  } catch (error) {
    if (error instanceof UnterminatedSqlError) {
      throw new SqlShapeError(`${what}: ${error.message}.`, error.line);
    }
    throw error;
  }
  const [first, second] = statements;
  if (!first) throw new SqlShapeError(`${what} is empty.`);
  if (second) {
    throw new SqlShapeError(
      `${what} must be exactly one SQL statement, but a second statement starts on line ${second.line}. ` +
        "Remove it (a trailing ';' is fine; ';' inside strings, comments and dollar quotes is fine).",
      second.line,
    );
  }
  return first.text;
}
