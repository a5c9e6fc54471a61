import { sqlTokens, type SqlToken } from "../sql/lexer.js";

/**
 * What a cut-over plan needs to know of a sink, read from rw_sinks. Its definition
 * (rw_sinks.definition, sink.create_sql() in rw_sinks.rs) holds the connector options as
 * written, passwords included unless they are secrets: only the shape below is taken from it,
 * and the text itself is never kept.
 */
export interface SinkFacts {
  id: number;
  /** rw_sinks.sink_type: upsert, append-only or force-append-only; unknown if unreadable. */
  sinkType: "upsert" | "append-only" | "force-append-only" | "unknown";
  /** The connector's name (rw_sinks.connector), when it is a plain name. */
  connector?: string;
  /** `FROM relation` or `AS query`; `unknown` when the definition could not be read. */
  source: "relation" | "query" | "unknown";
  /** `CREATE SINK … INTO table`: it writes into a RisingWave table. */
  intoTable: boolean;
  /** It has a FORMAT … ENCODE clause, to be repeated on the new sink. */
  format: boolean;
}

export interface SubscriptionFacts {
  id: number;
  /** The retention option as written (`'1D'`, `'3600'`), when it is a plain value. */
  retention?: string;
}

const code = (sql: string): SqlToken[] =>
  sqlTokens(sql).filter((token) => token.kind !== "space" && token.kind !== "comment");

const isWord = (token: SqlToken | undefined, word: string) =>
  token?.kind === "word" && token.text.toLowerCase() === word;

const isName = (token: SqlToken | undefined) =>
  token?.kind === "word" || token?.kind === "identifier";

/** The index after a dotted name starting at `at`, or undefined when there is none. */
function afterName(tokens: SqlToken[], at: number): number | undefined {
  if (!isName(tokens[at])) return undefined;
  let next = at + 1;
  while (tokens[next]?.text === "." && isName(tokens[next + 1])) next += 2;
  return next;
}

function afterParens(tokens: SqlToken[], at: number): number {
  let depth = 0;
  for (let i = at; i < tokens.length; i++) {
    if (tokens[i]?.text === "(") depth++;
    else if (tokens[i]?.text === ")" && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/** `rw_sinks.sink_type` is SinkType's proto name (SINK_TYPE_UPSERT, …); either spelling is read. */
export function sinkTypeOf(text: unknown): SinkFacts["sinkType"] {
  const value = String(text ?? "").toUpperCase();
  if (value.includes("FORCE_APPEND_ONLY")) return "force-append-only";
  if (value.includes("APPEND_ONLY")) return "append-only";
  if (value.includes("UPSERT")) return "upsert";
  return "unknown";
}

/**
 * `CREATE SINK [IF NOT EXISTS] name [INTO table [(columns)]] {FROM relation | AS query}
 * [WITH (…)] [FORMAT … ENCODE …]` (the statement RisingWave keeps for a sink).
 */
export function sinkShape(definition: string): Pick<SinkFacts, "source" | "intoTable" | "format"> {
  const unknown = { source: "unknown" as const, intoTable: false, format: false };
  const tokens = code(definition);
  if (!isWord(tokens[0], "create") || !isWord(tokens[1], "sink")) return unknown;
  let at = 2;
  if (
    isWord(tokens[at], "if") &&
    isWord(tokens[at + 1], "not") &&
    isWord(tokens[at + 2], "exists")
  ) {
    at += 3;
  }
  const afterSink = afterName(tokens, at);
  if (afterSink === undefined) return unknown;
  at = afterSink;
  let intoTable = false;
  if (isWord(tokens[at], "into")) {
    const afterTable = afterName(tokens, at + 1);
    if (afterTable === undefined) return unknown;
    intoTable = true;
    at = tokens[afterTable]?.text === "(" ? afterParens(tokens, afterTable) : afterTable;
  }
  const source = isWord(tokens[at], "from")
    ? "relation"
    : isWord(tokens[at], "as")
      ? "query"
      : undefined;
  if (source === undefined) return unknown;
  // The options come last but for FORMAT … ENCODE …: a FORMAT right after the top-level WITH (…).
  let format = false;
  let depth = 0;
  for (let i = at; i < tokens.length; i++) {
    const token = tokens[i] as SqlToken;
    if (token.text === "(") depth++;
    else if (token.text === ")") depth--;
    else if (depth === 0 && isWord(token, "with") && tokens[i + 1]?.text === "(") {
      format = isWord(tokens[afterParens(tokens, i + 1)], "format");
    }
  }
  return { source, intoTable, format };
}

const PLAIN_RETENTION = /^'[0-9A-Za-z ]{1,32}'$/;

/** `CREATE SUBSCRIPTION name FROM relation WITH (retention = '1D')`: the retention as written. */
export function subscriptionRetention(definition: string): string | undefined {
  const tokens = code(definition);
  for (let i = 0; i + 2 < tokens.length; i++) {
    const value = tokens[i + 2] as SqlToken;
    if (isWord(tokens[i], "retention") && tokens[i + 1]?.text === "=") {
      const text = value.kind === "number" ? `'${value.text}'` : value.text;
      return PLAIN_RETENTION.test(text) ? text : undefined;
    }
  }
  return undefined;
}

export function connectorName(text: unknown): string | undefined {
  const value = String(text ?? "");
  return /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value.toLowerCase() : undefined;
}
