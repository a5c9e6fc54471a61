// PostgreSQL's own raw parser (libpg_query, PostgreSQL 15 as on the stand-in), compiled to
// WebAssembly: no network and no native build at install or run time.
import { loadModule, parseSync } from "libpg-query";

export const loadPostgresParser: () => Promise<void> = loadModule;

/** How many statements PostgreSQL's parser finds in the text, or "error" (nothing would run). */
export function postgresStatementCount(sql: string): number | "error" {
  try {
    const tree = parseSync(sql) as { stmts?: unknown[] };
    return tree.stmts?.length ?? 0;
  } catch {
    return "error";
  }
}
