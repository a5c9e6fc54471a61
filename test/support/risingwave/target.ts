// The RisingWave test target every test uses: a fresh database on the run's
// upstream (stand-in or real RisingWave, chosen once by global-setup.ts), reached
// through an in-process proxy that records what the code under test sends.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { WireProxy, type FaultSpec, type InjectedFault, type RecordedStatement } from "./proxy.js";
import type { ConnectionInfo } from "./connection.js";
import { setStandInVersion } from "./standin.js";
import { translateQueryText } from "./translate.js";
import { createDatabase, dropDatabase } from "./databases.js";
import type { UpstreamInfo } from "./upstream.js";

declare module "vitest" {
  export interface ProvidedContext {
    risingWaveUpstream: UpstreamInfo;
  }
}

/** application_name of the harness's own connections, which the proxy records apart. */
export const HARNESS_APPLICATION_NAME = "rw-test-harness";

export interface RisingWaveTarget {
  kind: "standin" | "risingwave";
  /** postgres://user:password@127.0.0.1:<proxyport>/<db>: a fresh database for this caller, through a recording proxy. */
  url: string;
  /** The same connection as separate fields (e.g. for PG* variables). */
  connection: ConnectionInfo;
  /** e.g. "local stand-in (PostgreSQL 15.18 + wire proxy)" or "RisingWave v2.6.2 (testcontainers, ...)". */
  describe: string;
  /** SQL texts the code under test sent (simple Query and Parse texts), in arrival order; excludes query(). */
  statements(): string[];
  /** statements() with the proxy connection each arrived on. */
  statementsByConnection(): { sql: string; connection: number }[];
  /** Those of statements() that arrived as simple Query messages (the product sends none). */
  simpleQueryStatements(): string[];
  /** The harness's own SQL (sent by query()), in arrival order. */
  harnessStatements(): string[];
  clearStatements(): void;
  /** Runs SQL through the proxy on the harness's own connection pool (not in statements()). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Arms a fault on the proxy: when a statement the code under test sends matches `when`, its
   * connection is cut (or the statement or its reply held) at the point `at`. See proxy.ts.
   */
  injectFault(spec: FaultSpec): InjectedFault;
  /** Disarms every fault armed with injectFault. */
  clearFaults(): void;
  /** Stand-in: version() reports `PostgreSQL 13.14.0-RisingWave-${version} (standin)`. Real RisingWave: throws. */
  setReportedVersion(version: string): Promise<void>;
  /**
   * Stand-in: MV `ddlId` behaves as one RisingWave is still creating in the background:
   * rw_ddl_progress shows its job at `progress` (e.g. "42.5%"), rw_materialized_views.status
   * says 'Creating' (2.8+), rw_depend leaves out what it reads, SWAP, GRANT, COMMENT and CREATE
   * INDEX do not find it, and DROP cancels the job. `undefined` ends the job (the MV is
   * created). `{ listed: false }`: the job has already left rw_ddl_progress but the MV is still
   * Creating for this frontend. Real RisingWave: throws (its jobs are real).
   */
  simulateBackfill(
    ddlId: number,
    progress: string | undefined,
    options?: { listed?: boolean },
  ): Promise<void>;
  /** A URL for another user (through the same proxy), e.g. one created with CREATE USER … PASSWORD. */
  urlFor(user: string, password: string): string;
  close(): Promise<void>;
}

export async function openRisingWaveTarget(): Promise<RisingWaveTarget> {
  const upstream = inject("risingWaveUpstream");
  if (!upstream) {
    throw new Error(
      "no RisingWave upstream was provided: run under vitest with test/support/global-setup.ts as globalSetup",
    );
  }
  return openTargetOn(upstream);
}

/** The same as openRisingWaveTarget, for callers outside vitest that started an upstream themselves. */
export async function openTargetOn(upstream: UpstreamInfo): Promise<RisingWaveTarget> {
  const database = `rwt_${randomBytes(6).toString("hex")}`;
  await createDatabase(upstream, database);
  const proxy = new WireProxy({
    upstreamHost: upstream.admin.host,
    upstreamPort: upstream.admin.port,
    translate: upstream.kind === "standin" ? translateQueryText : undefined,
    harnessApplicationName: HARNESS_APPLICATION_NAME,
  });
  let port: number;
  try {
    port = await proxy.listen();
  } catch (error) {
    await dropDatabase(upstream, database);
    throw error;
  }
  const connection = { ...upstream.admin, host: "127.0.0.1", port, database };
  const url =
    `postgres://${encodeURIComponent(connection.user)}:${encodeURIComponent(connection.password)}` +
    `@127.0.0.1:${port}/${database}`;
  const pool = new pg.Pool({ ...connection, application_name: HARNESS_APPLICATION_NAME, max: 4 });
  // An idle pooled connection the server drops (e.g. at close) must not crash the worker.
  pool.on("error", () => undefined);
  const texts = (origin: RecordedStatement["origin"]) =>
    proxy.recorded.filter((s) => s.origin === origin).map((s) => s.sql);

  return {
    kind: upstream.kind,
    url,
    connection,
    describe: upstream.describe,
    statements: () => texts("client"),
    statementsByConnection: () =>
      proxy.recorded
        .filter((s) => s.origin === "client")
        .map((s) => ({ sql: s.sql, connection: s.connection })),
    simpleQueryStatements: () =>
      proxy.recorded
        .filter((s) => s.origin === "client" && s.protocol === "simple")
        .map((s) => s.sql),
    harnessStatements: () => texts("harness"),
    clearStatements: () => void proxy.recorded.splice(0),
    injectFault: (spec) => proxy.injectFault(spec),
    clearFaults: () => proxy.clearFaults(),
    query: async <T>(sql: string, params?: unknown[]) =>
      (await pool.query(sql, params)).rows as T[],
    setReportedVersion: async (version: string) => {
      if (upstream.kind !== "standin") {
        throw new Error(
          "setReportedVersion is not supported on real RisingWave (only the stand-in can fake version())",
        );
      }
      await setStandInVersion({ ...upstream.admin, database }, version);
    },
    simulateBackfill: async (ddlId, progress, options = {}) => {
      if (upstream.kind !== "standin") {
        throw new Error("simulateBackfill is not supported on real RisingWave (its jobs are real)");
      }
      await pool.query("DELETE FROM rw_standin.ddl_progress WHERE ddl_id = $1", [ddlId]);
      if (progress !== undefined) {
        // ddl_statement is the CREATE as sent, quoting kept (normalize_sql, handler/mod.rs).
        await pool.query(
          `INSERT INTO rw_standin.ddl_progress (ddl_id, ddl_statement, progress, listed)
           SELECT $1::bigint, coalesce((SELECT 'CREATE MATERIALIZED VIEW "' || replace(s.name, '"', '""')
                     || '"."' || replace(m.name, '"', '""') || '" AS ' || substr(m.definition, strpos(m.definition, ' AS ') + 4)
                   FROM rw_standin.materialized_views m JOIN rw_catalog.rw_schemas s ON s.id = m.schema_id
                  WHERE m.id = $1::int), 'CREATE MATERIALIZED VIEW (job ' || $1::bigint || ')'), $2, $3`,
          [ddlId, progress, options.listed ?? true],
        );
      }
    },
    urlFor: (user: string, password: string) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    close: async () => {
      await pool.end();
      await proxy.close();
      await dropDatabase(upstream, database);
    },
  };
}
