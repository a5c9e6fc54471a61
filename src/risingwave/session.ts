import type pg from "pg";
import type { DeployedType } from "../plan/types.js";
import { quoteQualified, type QualifiedName } from "../sql/quote.js";
import type { CatalogSnapshot, CreatingJob } from "./catalog.js";
import { readCatalog } from "./catalog-reader.js";
import { destroyConnection } from "./connection.js";
import { query } from "./extended-query.js";
import { parseDescribe, type DescribedRelation } from "./describe.js";
import {
  connectorName,
  sinkShape,
  sinkTypeOf,
  subscriptionRetention,
  type SinkFacts,
  type SubscriptionFacts,
} from "./reader-facts.js";
import { atLeast, type RisingWaveVersion } from "./version.js";

/**
 * How long one statement may take before the connection is given up. Catalog reads, SWAP,
 * RENAME, GRANT, COMMENT and DROP are metadata operations that take milliseconds to seconds; a
 * server that does not answer them in minutes is not going to.
 */
export const STATEMENT_TIMEOUT_MS = 300_000;

/** No answer in time: the connection was closed, so whether the statement took effect is unknown. */
export class StatementTimeoutError extends Error {
  constructor(
    readonly sql: string,
    readonly timeoutMs: number,
  ) {
    super(
      `RisingWave did not answer within ${formatSeconds(timeoutMs)}; the connection was closed ` +
        "(a foreground CREATE is cancelled with it)",
    );
    this.name = "StatementTimeoutError";
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export interface MaterializedViewState {
  id: number;
  /** rw_materialized_views.status ('Creating' / 'Created'), from v2.8.0; absent before. */
  status?: string;
}

/**
 * Read-only access: version, catalog, progress, DESCRIBE and EXPLAIN. A dry run is given only
 * this, so it has no method through which DDL could reach the database.
 */
export class RisingWaveReader {
  constructor(
    protected readonly client: pg.Client,
    /** Known once openDatabase has checked it; the version-dependent queries follow it. */
    readonly risingWaveVersion?: RisingWaveVersion,
  ) {}

  /** Sends one statement, giving the connection up when it takes longer than `timeoutMs`. */
  protected async run(
    sql: string,
    values?: unknown[],
    timeoutMs = STATEMENT_TIMEOUT_MS,
  ): Promise<pg.QueryResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        destroyConnection(this.client);
        reject(new StatementTimeoutError(sql, timeoutMs));
      }, timeoutMs);
    });
    try {
      return await Promise.race([query(this.client, sql, values), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private requireVersion(): RisingWaveVersion {
    if (!this.risingWaveVersion) throw new Error("the RisingWave version has not been read yet");
    return this.risingWaveVersion;
  }

  /** True from the given RisingWave version on. */
  supports(major: number, minor: number): boolean {
    return atLeast(this.requireVersion(), { major, minor, patch: 0 });
  }

  async version(): Promise<string> {
    const result = await this.run("SELECT version() AS version");
    return String(result.rows[0]?.version ?? "");
  }

  catalog(): Promise<CatalogSnapshot> {
    return readCatalog((sql) => this.run(sql), this.requireVersion());
  }

  /** The MV's id if it exists (a background MV exists before its backfill is done), and its status. */
  async materializedView(schema: string, name: string): Promise<MaterializedViewState | undefined> {
    const status = this.supports(2, 8) ? ", m.status" : "";
    const result = await this.run(
      `SELECT m.id${status} FROM rw_catalog.rw_materialized_views m
        JOIN rw_catalog.rw_schemas s ON s.id = m.schema_id
        WHERE s.name = $1 AND m.name = $2`,
      [schema, name],
    );
    const row = result.rows[0];
    if (row?.id === undefined) return undefined;
    return {
      id: Number(row.id),
      ...(row.status === undefined ? {} : { status: String(row.status) }),
    };
  }

  async materializedViewId(schema: string, name: string): Promise<number | undefined> {
    return (await this.materializedView(schema, name))?.id;
  }

  /** The id of the view under this name, if it is a view. */
  async viewId(schema: string, name: string): Promise<number | undefined> {
    const result = await this.run(
      `SELECT v.id FROM rw_catalog.rw_views v
        JOIN rw_catalog.rw_schemas s ON s.id = v.schema_id
        WHERE s.name = $1 AND v.name = $2`,
      [schema, name],
    );
    const id = result.rows[0]?.id;
    return id === undefined ? undefined : Number(id);
  }

  /** The id under this name when it is an object of `type` (what a plan entry deploys). */
  idOfType(relation: QualifiedName, type: DeployedType): Promise<number | undefined> {
    return type === "view"
      ? this.viewId(relation.schema, relation.identifier)
      : this.materializedViewId(relation.schema, relation.identifier);
  }

  /** A sink's type and shape; its definition is read here and not kept (it holds its options). */
  async sinkFacts(id: number): Promise<SinkFacts | undefined> {
    const result = await this.run(
      "SELECT id, connector, sink_type, definition FROM rw_catalog.rw_sinks WHERE id = $1",
      [id],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const connector = connectorName(row.connector);
    return {
      id,
      sinkType: sinkTypeOf(row.sink_type),
      ...(connector ? { connector } : {}),
      ...sinkShape(String(row.definition ?? "")),
    };
  }

  async subscriptionFacts(id: number): Promise<SubscriptionFacts | undefined> {
    const result = await this.run(
      "SELECT id, definition FROM rw_catalog.rw_subscriptions WHERE id = $1",
      [id],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const retention = subscriptionRetention(String(row.definition ?? ""));
    return { id, ...(retention ? { retention } : {}) };
  }

  /** The id of any relation (table, view, MV, sink, ...) under this name. */
  async relationId(relation: QualifiedName): Promise<number | undefined> {
    const result = await this.run(
      `SELECT r.id FROM rw_catalog.rw_relations r
        JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
        WHERE s.name = $1 AND r.name = $2`,
      [relation.schema, relation.identifier],
    );
    const id = result.rows[0]?.id;
    return id === undefined ? undefined : Number(id);
  }

  async creatingJobs(): Promise<CreatingJob[]> {
    const result = await this.run(
      "SELECT ddl_id, ddl_statement, progress FROM rw_catalog.rw_ddl_progress",
    );
    return result.rows.map((row) => ({
      ddlId: Number(row.ddl_id),
      statement: String(row.ddl_statement),
      progress: String(row.progress),
    }));
  }

  /** Columns, their comments and the relation's comment: RisingWave's catalog does not list MV comments. */
  async describe(relation: QualifiedName): Promise<DescribedRelation> {
    const result = await this.run(`DESCRIBE ${quoteQualified(relation)}`);
    return parseDescribe(result.rows.map((row) => Object.values(row)));
  }

  /** Plans a statement without running it; only `EXPLAIN …` text is accepted. Returns the plan lines. */
  async explain(explainSql: string): Promise<string[]> {
    if (!/^EXPLAIN\s/.test(explainSql)) {
      throw new Error("explain() takes only EXPLAIN statements.");
    }
    const result = await this.run(explainSql);
    return result.rows.map((row) => String(Object.values(row)[0] ?? ""));
  }

  /** A SELECT of our own (the deploy lock's holder); never anything from a pull request. */
  async select(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]> {
    if (!/^SELECT\s/.test(sql)) throw new Error("select() takes only SELECT statements.");
    return (await this.run(sql, values)).rows;
  }

  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.client.end().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          destroyConnection(this.client);
          resolve();
        }, 5_000);
      }),
    ]);
    clearTimeout(timer);
  }
}

/**
 * The one path by which DDL reaches the database. `execute` takes exactly one statement and never
 * binds parameters (RisingWave does not take them in DDL).
 */
export class RisingWaveSession extends RisingWaveReader {
  /** `timeoutMs`: a foreground CREATE or CREATE INDEX waits up to wait-timeout, others briefly. */
  async execute(sql: string, options: { timeoutMs?: number } = {}): Promise<void> {
    await this.run(sql, undefined, options.timeoutMs);
  }

  /**
   * RisingWave 3.0+: returns once the MV is created and this frontend's catalog says so
   * (handler/wait.rs @v3.0.0, which ends with wait_version), closing the window in which the
   * next statement could still find it "not found".
   */
  async waitMaterializedView(relation: QualifiedName, timeoutMs: number): Promise<void> {
    await this.run(`WAIT MATERIALIZED VIEW ${quoteQualified(relation)}`, undefined, timeoutMs);
  }
}
