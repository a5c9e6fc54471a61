// RisingWave has no identifier length limit; PostgreSQL truncates at 63 bytes, so
// two long names that differ only at the end (e.g. the temp-MV-based names of
// retired indexes, `..._1` and `..._2`) would collide. The stand-in replaces each
// longer identifier with a deterministic alias (a prefix plus a hash of the full
// name) and records alias → full name, so rw_catalog can show the full name.
import { createHash } from "node:crypto";
import { doBlock, dollarQuote, literal } from "./plpgsql.js";
import { identifierValue, tokenize } from "./sql-lexer.js";

const MAX_BYTES = 63;

export function aliasFor(fullName: string): string {
  const hash = createHash("sha256").update(fullName).digest("hex").slice(0, 16);
  let prefix = "";
  for (const char of fullName) {
    if (Buffer.byteLength(prefix + char) > 40) break;
    prefix += char;
  }
  return `${prefix}_rwl_${hash}`;
}

export interface Aliased {
  sql: string;
  /** alias → full name, for every identifier that was replaced. */
  aliases: Map<string, string>;
}

/** Replaces identifiers over 63 bytes (outside strings and comments) with quoted aliases. */
export function aliasLongIdentifiers(sql: string): Aliased {
  const aliases = new Map<string, string>();
  let out = "";
  for (const token of tokenize(sql)) {
    const long =
      (token.kind === "word" || token.kind === "quoted") &&
      Buffer.byteLength(identifierValue(token)) > MAX_BYTES;
    if (!long) {
      out += token.text;
      continue;
    }
    const fullName = identifierValue(token);
    const alias = aliasFor(fullName);
    aliases.set(alias, fullName);
    out += `"${alias.replace(/"/g, '""')}"`;
  }
  return { sql: out, aliases };
}

/** Runs a statement that may name new objects after recording its aliases, atomically with it. */
export function registerAliases(statement: string, aliases: Map<string, string>): string {
  const rows = [...aliases].map(([alias, full]) => `(${literal(alias)}, ${literal(full)})`);
  return doBlock(
    `INSERT INTO rw_standin.long_names (alias, full_name) VALUES ${rows.join(", ")} ` +
      `ON CONFLICT (alias) DO NOTHING; EXECUTE ${dollarQuote(statement)};`,
  );
}
