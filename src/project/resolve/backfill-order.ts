import type { BackfillEdge } from "../types.js";

/**
 * A bare identifier (folded to lower case, as RisingWave folds it) or a double-quoted one without
 * a `"` inside (released RisingWave has no `""` escape, see quoteIdent).
 */
const NAME_PART = /\s*(?:([A-Za-z_][A-Za-z0-9_$]*)|"([^"]+)")\s*/y;

function dottedName(text: string, at: number): { parts: string[]; next: number } | undefined {
  const parts: string[] = [];
  let next = at;
  for (;;) {
    NAME_PART.lastIndex = next;
    const match = NAME_PART.exec(text);
    if (!match) return undefined;
    parts.push(match[1] !== undefined ? match[1].toLowerCase() : (match[2] as string));
    next = NAME_PART.lastIndex;
    if (text[next] !== ".") return parts.length <= 3 ? { parts, next } : undefined;
    next++;
  }
}

/**
 * One `backfill_order` entry, `upstream -> downstream`, each a relation name of at most three
 * parts (parse_fixed_backfill_order, src/sqlparser/src/parser.rs @v2.5.0). Undefined for anything
 * else: the entry comes from the pull request and reaches the CREATE only as quoted names.
 */
export function parseBackfillEdge(entry: string): BackfillEdge | undefined {
  const from = dottedName(entry, 0);
  if (!from || entry.slice(from.next, from.next + 2) !== "->") return undefined;
  const to = dottedName(entry, from.next + 2);
  if (!to || to.next !== entry.length) return undefined;
  return { from: from.parts, to: to.parts };
}
