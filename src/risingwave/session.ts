import type pg from "pg";
import type { CatalogSnapshot, CreatingJob } from "./catalog.js";
import { readCatalog } from "./catalog-reader.js";
import { query } from "./extended-query.js";

/**
 * Read-only access: version, catalog, progress, and EXPLAIN. A dry run is given only this, so it
 * has no method through which DDL could reach the database.
 */
export class RisingWaveReader {
  constructor(protected readonly client: pg.Client) {}

  async version(): Promise<string> {
    const result = await query(this.client, "SELECT version() AS version");
    return String(result.rows[0]?.version ?? "");
  }

  catalog(): Promise<CatalogSnapshot> {
    return readCatalog(this.client);
  }

  /** The id of the MV if it exists (a background MV may exist before its backfill is done). */
  async materializedViewId(schema: string, name: string): Promise<number | undefined> {
    const result = await query(
      this.client,
      `SELECT m.id FROM rw_catalog.rw_materialized_views m
        JOIN rw_catalog.rw_schemas s ON s.id = m.schema_id
        WHERE s.name = $1 AND m.name = $2`,
      [schema, name],
    );
    const id = result.rows[0]?.id;
    return id === undefined ? undefined : Number(id);
  }

  async creatingJobs(): Promise<CreatingJob[]> {
    const result = await query(
      this.client,
      "SELECT ddl_id, ddl_statement, progress FROM rw_catalog.rw_ddl_progress",
    );
    return result.rows.map((row) => ({
      ddlId: Number(row.ddl_id),
      statement: String(row.ddl_statement),
      progress: String(row.progress),
    }));
  }

  /** Plans a statement without running it; only `EXPLAIN …` text is accepted. */
  async explain(explainSql: string): Promise<void> {
    if (!/^EXPLAIN\s/.test(explainSql)) {
      throw new Error("explain() takes only EXPLAIN statements.");
    }
    await query(this.client, explainSql);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/**
 * The one path by which DDL reaches the database. `execute` takes exactly one statement and never
 * binds parameters (RisingWave does not take them in DDL).
 */
export class RisingWaveSession extends RisingWaveReader {
  async execute(sql: string): Promise<void> {
    await query(this.client, sql);
  }
}
