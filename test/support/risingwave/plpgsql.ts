// Builders for the PL/pgSQL the stand-in sends instead of RisingWave-only statements.
// A `DO` block is one statement: atomic, valid in the extended protocol, and it
// never commits a transaction the caller has open.

/** A standard SQL string literal (standard_conforming_strings is on). */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Dollar-quotes text with a tag that does not occur in it, so any content is safe. */
export function dollarQuote(text: string): string {
  for (let n = 0; ; n++) {
    const tag = `$rw_standin_${n}$`;
    if (!text.includes(tag)) return `${tag}${text}${tag}`;
  }
}

export function doBlock(body: string, declare = ""): string {
  const declarations = declare ? `DECLARE ${declare} ` : "";
  return `DO ${dollarQuote(`${declarations}BEGIN ${body} END`)}`;
}

export interface RaiseOptions {
  /** SQLSTATE, e.g. 0A000 (feature not supported). */
  code: string;
  hint?: string;
}

export function raiseError(message: string, { code, hint }: RaiseOptions): string {
  const hintPart = hint === undefined ? "" : `, HINT = ${literal(hint)}`;
  return `RAISE EXCEPTION USING ERRCODE = ${literal(code)}, MESSAGE = ${literal(message)}${hintPart};`;
}
