/** A relation as RisingWave names it: unquoted, case-sensitive parts. */
export interface QualifiedName {
  schema: string;
  identifier: string;
}

function rejectNul(text: string, what: string): void {
  if (text.includes("\0")) throw new Error(`${what} must not contain NUL characters.`);
}

/** Every identifier we generate is quoted, so names with capitals, spaces, quotes or keywords survive. */
export function quoteIdent(name: string): string {
  rejectNul(name, `Identifier ${JSON.stringify(name)}`);
  if (name === "") throw new Error("An identifier must not be empty.");
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteQualified(name: QualifiedName): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(name.identifier)}`;
}

/** Standard string literal; RisingWave has no dollar quoting for comments, so quotes are doubled. */
export function quoteLiteral(text: string): string {
  rejectNul(text, "A string literal");
  return `'${text.replace(/'/g, "''")}'`;
}

export function displayName(name: QualifiedName): string {
  return `${name.schema}.${name.identifier}`;
}
