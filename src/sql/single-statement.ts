import { AmbiguousSqlError, splitSqlStatements, UnterminatedSqlError } from "./statements.js";

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
 * Text that PostgreSQL and RisingWave would split differently is refused too: the database's
 * extended protocol is the first barrier against a second statement, this is the second.
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
    if (error instanceof AmbiguousSqlError) {
      throw new SqlShapeError(
        `${what} is refused: ${error.message}. Write it so that both read it the same way.`,
        error.line,
      );
    }
    throw error;
  }
  const empty = statements.find((statement) => statement.text === "");
  if (empty) {
    throw new SqlShapeError(
      `${what} has a ';' with no statement before it on line ${empty.line}. Remove it.`,
      empty.line,
    );
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
