/**
 * The local RisingWave stand-in: a throwaway PostgreSQL cluster (pg-cluster.ts)
 * behind a pg-wire proxy (proxy.ts) that translates RisingWave-only SQL
 * (translate*.ts), plus a `rw_catalog` schema of views over pg_catalog
 * (catalog.sql). It is test support, not product code, and exists because
 * RisingWave cannot run on the development machines. Where it can, the suite runs
 * against real RisingWave instead (see upstream.ts).
 *
 * What it emulates faithfully enough for the product's specs:
 * - `ALTER {MATERIALIZED VIEW|TABLE|VIEW|SINK} a SWAP WITH b`: one atomic DO block
 *   of three renames (same schema required). Concurrent readers of either name see
 *   no error; dependents, indexes, grants and comments stay with the object (oid),
 *   as in RisingWave, where they follow the object id.
 * - `SET/RESET/SHOW background_ddl` and `allow_drop_cascade` (session GUCs
 *   rw_standin.*); `WAIT` and `WAIT MATERIALIZED VIEW x` succeed at once.
 * - `DROP ... CASCADE` refused unless the session `SET allow_drop_cascade = true`,
 *   like new RisingWave clusters (RisingWave 2.x itself does not refuse it).
 * - `DROP` without CASCADE refused while dependents exist (PostgreSQL's own check,
 *   so the error text is PostgreSQL's, not RisingWave's).
 * - `EXPLAIN CREATE MATERIALIZED VIEW x AS q` (also CREATE SINK / CREATE INDEX):
 *   plans q only, so an existing x is no error and nothing is created; errors in q
 *   are reported. The plan text is PostgreSQL's.
 * - `COMMENT ON TABLE <mv>` (PostgreSQL wants COMMENT ON MATERIALIZED VIEW) and
 *   `GRANT/REVOKE ... ON {MATERIALIZED VIEW|VIEW|SINK} x` / `ON ALL MATERIALIZED
 *   VIEWS IN SCHEMA s` (PostgreSQL's ON TABLE covers them).
 * - `version()` reports `PostgreSQL 13.14.0-RisingWave-2.6.0 (standin)`, per
 *   database and changeable (setStandInVersion), through a function in schema
 *   rw_standin_version that precedes pg_catalog in the database's search_path.
 * - rw_catalog: rw_schemas, rw_tables, rw_views, rw_materialized_views,
 *   rw_indexes, rw_sinks, rw_sources, rw_subscriptions, rw_system_tables,
 *   rw_relations, rw_depend, rw_ddl_progress, rw_columns with RisingWave's column names and
 *   int ids. Select only the columns the design names; others may differ.
 * - Identifiers of any length (RisingWave has no limit; PostgreSQL truncates at
 *   63 bytes): longer ones are replaced by a deterministic alias (a 40-byte
 *   prefix + `_rwl_` + hash), registered in rw_standin.long_names when a CREATE
 *   or ALTER uses them; rw_catalog views show the full name.
 * - `FLUSH` refreshes every MV, upstream first, standing in for RisingWave's
 *   continuous maintenance (see below).
 *
 * What it cannot emulate:
 * - Streaming: PostgreSQL MVs are snapshots. Writes reach MVs only at `FLUSH`
 *   (which on RisingWave is also the way to wait for them), so load data, then
 *   FLUSH, then read.
 * - Backfill: CREATE MATERIALIZED VIEW completes before it returns, with or
 *   without background_ddl, so rw_ddl_progress shows only the jobs a test inserts
 *   into rw_standin.ddl_progress (see `simulateBackfill` in target.ts). A
 *   still-creating MV that cannot be swapped or that disappears on disconnect
 *   never happens here.
 * - Sinks are catalog entries only (a view registered in rw_standin.sinks): they
 *   show in rw_sinks, rw_relations ('sink') and rw_depend and block DROP of what
 *   they read, but deliver nothing; connector options are not validated.
 *   `ALTER SINK ... SWAP` swaps the views. Sources and subscriptions do not exist.
 * - Transactional DDL: PostgreSQL DDL is transactional and BEGIN starts a real
 *   transaction; in RisingWave BEGIN starts nothing for DDL and every statement
 *   takes effect at once. Code that relies on rollback passes here and fails there.
 * - SQL dialect: everything else is PostgreSQL 15: RisingWave-only syntax
 *   (sources, EMIT ON WINDOW CLOSE, DISTRIBUTED BY, ...) fails; PostgreSQL-only
 *   features (advisory locks, COMMENT ON MATERIALIZED VIEW) work. Error texts are
 *   PostgreSQL's. `pg_catalog.version()` and a search_path without
 *   rw_standin_version reveal PostgreSQL, as does the server_version parameter.
 * - Long identifiers outside rw_catalog: pg_catalog, view/MV definitions, error
 *   messages and result column names show the alias, and `'long.name'::regclass`
 *   (a name inside a string) finds nothing.
 * - rw_depend leaves out index → table/MV edges; RisingWave probably lists them
 *   (an index is a streaming job there). Code that counts dependents should skip
 *   relation_type 'index' to behave the same on both.
 * - Command tags of translated statements are `DO`, not RisingWave's tags.
 * - TLS: the proxy answers SSLRequest with 'N' (sslmode=require cannot connect).
 */
import { readFileSync } from "node:fs";
import type pg from "pg";
import { withClient, type ConnectionInfo } from "./connection.js";
import { SESSION_PARAMETER_DEFAULTS } from "./translate-session.js";
import { startPgCluster, type PgCluster } from "./pg-cluster.js";

const TEMPLATE_DATABASE = "rw_standin_template";
const DEFAULT_REPORTED_VERSION = "2.6.0";

/** Starts the cluster and builds the template every test database is copied from. */
export async function startStandIn(): Promise<{ cluster: PgCluster; admin: ConnectionInfo }> {
  const cluster = await startPgCluster();
  const admin = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
  };
  try {
    await withClient({ ...admin, database: "postgres" }, (c) =>
      c.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`),
    );
    const catalog = readFileSync(new URL("./catalog.sql", import.meta.url), "utf8");
    const template = { ...admin, database: TEMPLATE_DATABASE };
    await withClient(template, (c) => c.query(catalog));
    await setStandInVersion(template, DEFAULT_REPORTED_VERSION);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return { cluster, admin: { ...admin, database: "postgres" } };
}

/**
 * A fresh database copied from the template. Per-database settings are not
 * copied by CREATE DATABASE, so they are set on each copy.
 */
export async function createStandInDatabase(admin: ConnectionInfo, name: string): Promise<void> {
  const settings = [
    `search_path = "$user", public, rw_standin_version, pg_catalog`,
    ...Object.entries(SESSION_PARAMETER_DEFAULTS).map(
      ([key, value]) => `rw_standin.${key} = '${value}'`,
    ),
  ];
  await withClient(admin, async (client) => {
    await createFromTemplate(client, name);
    for (const setting of settings) await client.query(`ALTER DATABASE ${name} SET ${setting}`);
  });
}

// Two CREATE DATABASEs copying the same template at once can collide on the template's lock.
async function createFromTemplate(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
      return;
    } catch (error) {
      const busy = /being accessed by other users/.test(String(error));
      if (!busy || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Makes version() in this database report RisingWave `version` (e.g. "2.1.0"). */
export async function setStandInVersion(database: ConnectionInfo, version: string): Promise<void> {
  if (!/^[0-9A-Za-z.+-]+$/.test(version)) throw new Error(`not a version: ${version}`);
  const text = `PostgreSQL 13.14.0-RisingWave-${version} (standin)`;
  await withClient(database, (c) =>
    c.query(
      `CREATE OR REPLACE FUNCTION rw_standin_version.version() RETURNS text LANGUAGE sql STABLE ` +
        `AS $$ SELECT '${text}'::text $$`,
    ),
  );
}
