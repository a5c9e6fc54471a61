/**
 * The local RisingWave stand-in: a throwaway PostgreSQL cluster (pg-cluster.ts)
 * behind a pg-wire proxy (proxy.ts) that translates RisingWave-only SQL
 * (translate*.ts), plus a `rw_catalog` schema of views over pg_catalog
 * (catalog.sql). It is test support, not product code, and exists because
 * RisingWave cannot run on the development machines. Where it can, the suite runs
 * against real RisingWave instead (see upstream.ts). Each emulation cites, where it is
 * written, the RisingWave source file (and version) it follows.
 *
 * What it emulates faithfully enough for the product's specs:
 * - `ALTER {MATERIALIZED VIEW|TABLE|VIEW|SINK} a SWAP WITH b`: one atomic DO block
 *   of three renames (same schema required). Concurrent readers of either name see
 *   no error; dependents, indexes, grants and comments stay with the object (oid),
 *   as in RisingWave, where they follow the object id. A non-superuser must own both
 *   objects (`Permission denied: <user> is not super user and not the owner of the
 *   objects.`), and an MV still being created is not found.
 * - MVs still being created (`target.simulateBackfill`): listed in rw_ddl_progress
 *   (ddl_statement = the CREATE, quoted as sent) and in rw_materialized_views, with
 *   `status = 'Creating'` from 2.8 (the column does not exist before); absent from
 *   rw_depend as dependents; not found by SWAP, GRANT, COMMENT ON TABLE and CREATE
 *   INDEX (`Catalog error: table not found: x`, SQLSTATE 42704); `DROP` cancels the
 *   job (it leaves rw_ddl_progress); `WAIT [MATERIALIZED VIEW x]` waits for them.
 * - `SET/RESET/SHOW background_ddl` and `allow_drop_cascade` (session GUCs
 *   rw_standin.*); `WAIT MATERIALIZED VIEW x` only from 3.0 (a parser error before).
 * - `CREATE SCHEMA IF NOT EXISTS s` of an existing schema is a notice before any
 *   privilege check (PostgreSQL checks CREATE on the database first).
 * - `DROP ... CASCADE` refused unless the session `SET allow_drop_cascade = true`.
 *   No released RisingWave refuses it (the guard is an unmerged branch); kept so that
 *   a stray CASCADE fails loudly in tests.
 * - `DROP` without CASCADE refused while dependents exist (PostgreSQL's own check,
 *   so the error text is PostgreSQL's, not RisingWave's).
 * - `EXPLAIN CREATE MATERIALIZED VIEW s.x AS q`: the schema is looked up (`Catalog
 *   error: schema not found: s`) and CREATE on it checked, an existing x is no
 *   error, nothing is created; the first row is RisingWave's `StreamMaterialize {
 *   columns: [...] }` with q's column names, the rest is PostgreSQL's plan of q.
 *   EXPLAIN CREATE SINK / CREATE INDEX plan their query only.
 * - `DESCRIBE x`: RisingWave's rows (columns with hidden `_rw_timestamp` and comments,
 *   indexes, `table description` with the relation's comment).
 * - `COMMENT ON TABLE <mv>` (PostgreSQL wants COMMENT ON MATERIALIZED VIEW) and
 *   `GRANT/REVOKE ... ON {MATERIALIZED VIEW|VIEW|SINK} x` / `ON ALL MATERIALIZED
 *   VIEWS IN SCHEMA s` (PostgreSQL's ON TABLE covers them); on an MV or sink only
 *   SELECT or ALL (= SELECT) is accepted (`Bind error: Invalid privilege type for
 *   the given object.`).
 * - `version()` reports `PostgreSQL 13.14.0-RisingWave-2.6.0 (standin)`, per
 *   database and changeable (setStandInVersion), through a function in schema
 *   rw_standin_version that precedes pg_catalog in the database's search_path; the
 *   version-dependent emulations follow it.
 * - rw_catalog: rw_schemas, rw_tables, rw_views, rw_materialized_views,
 *   rw_indexes (definition = the CREATE INDEX), rw_sinks, rw_sources,
 *   rw_subscriptions, rw_system_tables, rw_relations, rw_depend, rw_ddl_progress,
 *   rw_users, rw_columns, with RisingWave's column names and int ids, `owner` (a user id) and
 *   `acl` in RisingWave's item form (`user=r/grantor`, every superuser listed, the
 *   owner not). From 2.3 the relation catalogs list only what the session user may
 *   access (its own objects, ones it holds a privilege on; also all of schema public
 *   before 2.7); rw_depend and rw_schemas are not filtered. Select only the columns
 *   the design names; others may differ.
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
 *   without background_ddl; an MV is "being created" only while a test says so
 *   (simulateBackfill, or a proxy hook that calls it after the product's CREATE).
 *   A creating MV can still be read by a SELECT here (RisingWave refuses), a
 *   foreground CREATE is not cancelled when its client goes, and `COMMENT ON
 *   COLUMN` and `REVOKE` of a creating MV are not refused.
 * - Sinks and subscriptions are catalog entries only (a view registered in
 *   rw_standin.sinks / rw_standin.subscriptions): they show in rw_sinks (with
 *   sink_type), rw_subscriptions, rw_relations and rw_depend and block DROP of what
 *   they read, but deliver nothing, and no subscription cursor can be declared;
 *   connector options are not validated. `ALTER SINK|SUBSCRIPTION ... SWAP` swaps
 *   the views. Sources do not exist.
 * - Transactional DDL: PostgreSQL DDL is transactional and BEGIN starts a real
 *   transaction; in RisingWave BEGIN starts nothing for DDL and every statement
 *   takes effect at once. Code that relies on rollback passes here and fails there.
 * - SQL dialect: everything else is PostgreSQL 15: RisingWave-only syntax
 *   (sources, EMIT ON WINDOW CLOSE, DISTRIBUTED BY, ...) fails; PostgreSQL-only
 *   features (advisory locks, COMMENT ON MATERIALIZED VIEW) work. Error texts are
 *   PostgreSQL's except where stated above. `pg_catalog.version()` and a
 *   search_path without rw_standin_version reveal PostgreSQL, as does the
 *   server_version parameter. PostgreSQL's role membership and PUBLIC grants have no
 *   RisingWave counterpart; RisingWave 2.2 skips the CREATE check on schema public,
 *   the stand-in checks it (as 2.6+ does).
 * - Long identifiers outside rw_catalog: pg_catalog, view/MV definitions, error
 *   messages and result column names show the alias, and `'long.name'::regclass`
 *   (a name inside a string) finds nothing.
 * - rw_depend leaves out index → table/MV edges and the MV → index edges RisingWave
 *   2.7+ records when an MV's plan reads an index (PostgreSQL has no such reads).
 *   Code that counts dependents should skip relation_type 'index' to behave the same
 *   on both.
 * - Command tags of translated statements are `DO` (or `SELECT`), not RisingWave's.
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

/**
 * Makes version() in this database report RisingWave `version` (e.g. "2.1.0"), and the
 * version-dependent emulations (catalog visibility, rw_materialized_views.status) follow it.
 */
export async function setStandInVersion(database: ConnectionInfo, version: string): Promise<void> {
  const parts = /^(\d+)\.(\d+)\.(\d+)(?:[0-9A-Za-z.+-]*)$/.exec(version);
  if (!parts) throw new Error(`not a version: ${version}`);
  const text = `PostgreSQL 13.14.0-RisingWave-${version} (standin)`;
  await withClient(database, async (c) => {
    await c.query(
      `CREATE OR REPLACE FUNCTION rw_standin_version.version() RETURNS text LANGUAGE sql STABLE ` +
        `AS $$ SELECT '${text}'::text $$`,
    );
    await c.query("UPDATE rw_standin.reported_version SET major = $1, minor = $2, patch = $3", [
      Number(parts[1]),
      Number(parts[2]),
      Number(parts[3]),
    ]);
    await c.query("SELECT rw_standin.define_version_dependent_views()");
  });
}
