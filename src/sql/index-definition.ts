import { sqlTokens } from "./lexer.js";

/** A CREATE INDEX statement, as rw_indexes.definition keeps it, taken apart. */
export interface IndexDefinition {
  /** Everything after `ON <relation>`: the column list, INCLUDE, DISTRIBUTED BY. */
  rest: string;
  /** The indexed columns, when each is a plain column (not an expression). */
  columns?: string[];
  /** INCLUDE and DISTRIBUTED BY columns, when the key columns are plain and these are too. */
  include?: string[];
  distributedBy?: string[];
}

/** The parts of an index that make two indexes interchangeable for a reader. */
export type IndexShape = Pick<IndexDefinition, "columns" | "include" | "distributedBy">;

/** The same key columns, INCLUDE and DISTRIBUTED BY, in order. */
export function sameIndexShape(a: IndexShape, b: IndexShape): boolean {
  const same = (x: string[] | undefined, y: string[] | undefined) =>
    (x ?? []).join("\u0000") === (y ?? []).join("\u0000");
  return (
    same(a.columns, b.columns) &&
    same(a.include, b.include) &&
    same(a.distributedBy, b.distributedBy)
  );
}

interface Piece {
  kind: "word" | "identifier" | "symbol" | "other";
  text: string;
  start: number;
}

/** Words, quoted identifiers and symbols; strings and numbers as "other"; no spaces or comments. */
function pieces(sql: string): Piece[] {
  const out: Piece[] = [];
  let offset = 0;
  for (const token of sqlTokens(sql)) {
    const start = offset;
    offset += token.text.length;
    if (token.kind === "space" || token.kind === "comment") continue;
    if (token.kind === "identifier" || token.kind === "word") {
      out.push({ kind: token.kind, text: token.text, start });
    } else {
      out.push({ kind: token.kind === "other" ? "symbol" : "other", text: token.text, start });
    }
  }
  return out;
}

const isWord = (piece: Piece | undefined, word: string) =>
  piece?.kind === "word" && piece.text.toLowerCase() === word;

/** `a.b.c` starting at `at`; returns the index after it, or undefined. */
function skipName(list: Piece[], at: number): number | undefined {
  let i = at;
  for (;;) {
    const piece = list[i];
    if (!piece || (piece.kind !== "word" && piece.kind !== "identifier")) return undefined;
    i++;
    if (list[i]?.text !== ".") return i;
    i++;
  }
}

function columnName(piece: Piece): string {
  return piece.kind === "identifier"
    ? piece.text.slice(1, -1).replace(/""/g, '"')
    : piece.text.toLowerCase();
}

/** Undefined when the text is not `CREATE INDEX [IF NOT EXISTS] name ON relation (...)…`. */
export function parseIndexDefinition(definition: string): IndexDefinition | undefined {
  const list = pieces(definition.trim().replace(/;\s*$/, ""));
  if (!isWord(list[0], "create") || !isWord(list[1], "index")) return undefined;
  let at = 2;
  if (isWord(list[at], "if") && isWord(list[at + 1], "not") && isWord(list[at + 2], "exists"))
    at += 3;
  const afterName = skipName(list, at);
  if (afterName === undefined || !isWord(list[afterName], "on")) return undefined;
  const afterRelation = skipName(list, afterName + 1);
  const open = afterRelation === undefined ? undefined : list[afterRelation];
  if (afterRelation === undefined || open?.text !== "(") return undefined;
  const rest = definition.trim().replace(/;\s*$/, "").slice(open.start);

  const key = readList(list, afterRelation);
  if (!key.names) return { rest };
  const shape: IndexDefinition = { rest, columns: key.names };
  let next = key.next;
  if (isWord(list[next], "include")) {
    const include = readList(list, next + 1);
    if (!include.names) return { rest };
    shape.include = include.names;
    next = include.next;
  }
  if (isWord(list[next], "distributed") && isWord(list[next + 1], "by")) {
    const distributed = readList(list, next + 2);
    if (!distributed.names) return { rest };
    shape.distributedBy = distributed.names;
  }
  return shape;
}

/**
 * The parenthesised list at `at`: its names when each item is a plain column (ASC, DESC and
 * NULLS orderings allowed), and the index after its closing parenthesis.
 */
function readList(list: Piece[], at: number): { names?: string[]; next: number } {
  if (list[at]?.text !== "(") return { next: at };
  const names: string[] = [];
  let depth = 0;
  let item: Piece[] = [];
  let plain = true;
  const close = () => {
    const first = item[0];
    const second = item[1];
    const ordering = second === undefined || /^(asc|desc|nulls)$/i.test(second.text);
    if (!first || (first.kind !== "word" && first.kind !== "identifier") || !ordering)
      plain = false;
    else names.push(columnName(first));
    item = [];
  };
  for (let i = at; i < list.length; i++) {
    const piece = list[i] as Piece;
    if (piece.text === "(") {
      depth++;
      if (depth === 1) continue;
    } else if (piece.text === ")") {
      depth--;
      if (depth === 0) {
        close();
        return plain ? { names, next: i + 1 } : { next: i + 1 };
      }
    } else if (piece.text === "," && depth === 1) {
      close();
      continue;
    }
    item.push(piece);
  }
  return { next: list.length };
}
