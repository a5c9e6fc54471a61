/** A relation as RisingWave names it: unquoted, case-sensitive parts. */
export interface QualifiedName {
  schema: string;
  identifier: string;
}

function rejectNul(text: string, what: string): void {
  if (text.includes("\0")) throw new Error(`${what} must not contain NUL characters.`);
}

/**
 * Why a name cannot be written as a quoted identifier that every supported RisingWave reads as
 * we mean it: released RisingWave up to v3.0.3 ends a quoted identifier at the first `"` and has
 * no `""` escape (src/sqlparser/src/tokenizer.rs, v3.0.3:486-497; the escape arrived on main with
 * #25601), so `"a""b"` would be read there as two names.
 */
export function unquotableName(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name.includes("\0")) return "it holds a NUL character";
  if (name.includes('"')) {
    return 'it holds a double quote ("), which RisingWave releases up to v3.0.3 cannot quote';
  }
  return undefined;
}

export class UnquotableNameError extends Error {
  constructor(name: string, problem: string) {
    super(`the name ${JSON.stringify(name)} cannot be used: ${problem}.`);
    this.name = "UnquotableNameError";
  }
}

/** Every identifier we generate is quoted, so names with capitals, spaces or keywords survive. */
export function quoteIdent(name: string): string {
  const problem = unquotableName(name);
  if (problem) throw new UnquotableNameError(name, problem);
  return `"${name}"`;
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
