import type pg from "pg";
import { CatalogSnapshot, type CatalogRows } from "./catalog.js";
import { query } from "./extended-query.js";

/**
 * Six queries, whatever the size of the project or the database, selecting only the columns that
 * are stable across RisingWave versions. System schemas hold no user objects and are left out.
 */
export const CATALOG_QUERIES = {
  schemas: `SELECT name FROM rw_catalog.rw_schemas
    WHERE name NOT IN ('pg_catalog', 'information_schema', 'rw_catalog')`,
  relations: `SELECT r.id, r.name, r.relation_type, s.name AS schema_name
    FROM rw_catalog.rw_relations r JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
    WHERE s.name NOT IN ('pg_catalog', 'information_schema', 'rw_catalog')`,
  depends: "SELECT objid, refobjid FROM rw_catalog.rw_depend",
  indexes: `SELECT i.id, i.name, i.primary_table_id, s.name AS schema_name
    FROM rw_catalog.rw_indexes i JOIN rw_catalog.rw_schemas s ON s.id = i.schema_id`,
  creating: "SELECT ddl_id, ddl_statement, progress FROM rw_catalog.rw_ddl_progress",
  // Read for templates that ask a relation's columns (adapter.get_columns_in_relation); the
  // columns are in rw_catalog.rw_columns since RisingWave 1.x (src/frontend/src/catalog/
  // system_catalog/rw_catalog/rw_columns.rs, v2.2.0).
  columns: `SELECT c.relation_id, c.name, c.position, c.data_type
    FROM rw_catalog.rw_columns c WHERE NOT c.is_hidden`,
} as const;

export async function readCatalog(client: pg.Client): Promise<CatalogSnapshot> {
  const schemas = await query(client, CATALOG_QUERIES.schemas);
  const relations = await query(client, CATALOG_QUERIES.relations);
  const depends = await query(client, CATALOG_QUERIES.depends);
  const indexes = await query(client, CATALOG_QUERIES.indexes);
  const creating = await query(client, CATALOG_QUERIES.creating);
  const columns = await query(client, CATALOG_QUERIES.columns);
  const rows: CatalogRows = {
    schemas: schemas.rows.map((row) => String(row.name)),
    relations: relations.rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      type: String(row.relation_type),
      schema: String(row.schema_name),
    })),
    depends: depends.rows.map((row) => ({
      objid: Number(row.objid),
      refobjid: Number(row.refobjid),
    })),
    indexes: indexes.rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      onId: Number(row.primary_table_id),
      schema: String(row.schema_name),
    })),
    creating: creating.rows.map((row) => ({
      ddlId: Number(row.ddl_id),
      statement: String(row.ddl_statement),
      progress: String(row.progress),
    })),
    columns: columns.rows.map((row) => ({
      relationId: Number(row.relation_id),
      name: String(row.name),
      position: Number(row.position),
      dataType: String(row.data_type),
    })),
  };
  return new CatalogSnapshot(rows);
}
