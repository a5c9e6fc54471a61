import type pg from "pg";

/**
 * The one way a statement reaches the database: as an unnamed prepared statement (Parse, Bind,
 * Describe portal, Execute, Sync), never as a simple Query. Over this protocol the server itself
 * refuses a text holding more than one statement, with its own parser, whatever our lexer
 * thought of it: RisingWave "Only one statement is allowed in extended query mode"
 * (src/utils/pgwire/src/pg_protocol.rs, inner_process_parse_msg: v2.2.0:745, v2.6.2:868,
 * v2.8.5:988, v3.0.3:1018, main@448c6570:1018), PostgreSQL "cannot insert multiple commands into
 * a prepared statement". Over the simple protocol both run every statement of the text
 * (pg_protocol.rs v2.2.0:599, `for stmt in stmts`).
 *
 * Every kind of statement we send works this way on v2.2.0 and later
 * (src/frontend/src/handler/extended_handle.rs, handle_parse, and session.rs, describe_portal):
 * - SELECT, with or without parameters: bound at Parse (query::handle_parse), run at Execute;
 * - CREATE MATERIALIZED VIEW: bound at Parse too (extended_handle.rs v2.2.0:127); until v2.7.0
 *   (#23381) with the batch binder, so misuse of NOW() in an MV is reported by the planner rather
 *   than the binder; no parameters are ever bound into DDL;
 * - everything else (EXPLAIN, SET, CREATE SCHEMA/INDEX, ALTER … SWAP/RENAME, DROP, GRANT, COMMENT,
 *   and hooks of any kind) is a PureStatement (v2.2.0:153, v3.0.3:153) run at Execute by the same
 *   `handle` as the simple protocol;
 * - EXPLAIN returns rows: describe of its portal gives the one `QUERY PLAN` varchar column
 *   (session.rs infer(), v2.2.0:1627, v3.0.3:1969, main:1972).
 * A hook whose CREATE TABLE/VIEW/SINK … AS query contains the text `$1`, even in a string, is
 * refused by RisingWave in this mode ("… with parameters"; have_parameter_in_query).
 */
export function query(
  client: pg.Client,
  text: string,
  values: readonly unknown[] = [],
): Promise<pg.QueryResult> {
  // node-postgres sends Parse/Bind/Execute for queryMode "extended"; @types/pg does not list it.
  const config: pg.QueryConfig & { queryMode: "extended" } = {
    text,
    values: [...values],
    queryMode: "extended",
  };
  return client.query(config);
}
