import type pg from "pg";
import { CatalogSnapshot, type CatalogRows } from "./catalog.js";
import { atLeast, type RisingWaveVersion } from "./version.js";

/**
 * Seven queries (eight from v2.8), whatever the size of the project or the database, selecting
 * only the columns that exist at every supported version (rw_relations.owner and .acl,
 * rw_indexes.definition and rw_users are in v2.2.0 and main). System schemas hold no user objects
 * and are left out.
 */
export const CATALOG_QUERIES = {
  schemas: `SELECT name, owner FROM rw_catalog.rw_schemas
    WHERE name NOT IN ('pg_catalog', 'information_schema', 'rw_catalog')`,
  relations: `SELECT r.id, r.name, r.relation_type, s.name AS schema_name, r.owner, r.acl
    FROM rw_catalog.rw_relations r JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
    WHERE s.name NOT IN ('pg_catalog', 'information_schema', 'rw_catalog')`,
  depends: "SELECT objid, refobjid FROM rw_catalog.rw_depend",
  indexes: `SELECT i.id, i.name, i.primary_table_id, s.name AS schema_name, i.definition
    FROM rw_catalog.rw_indexes i JOIN rw_catalog.rw_schemas s ON s.id = i.schema_id`,
  creating: "SELECT ddl_id, ddl_statement, progress FROM rw_catalog.rw_ddl_progress",
  users: "SELECT id, name, is_super, name = current_user AS is_current FROM rw_catalog.rw_users",
  /** rw_materialized_views.status arrived in v2.8.0 (rw_materialized_views.rs @v2.8.0). */
  creatingMvs: "SELECT id FROM rw_catalog.rw_materialized_views WHERE status = 'Creating'",
  // Read for templates that ask a relation's columns (adapter.get_columns_in_relation); the
  // columns are in rw_catalog.rw_columns since RisingWave 1.x (src/frontend/src/catalog/
  // system_catalog/rw_catalog/rw_columns.rs, v2.2.0).
  columns: `SELECT c.relation_id, c.name, c.position, c.data_type
    FROM rw_catalog.rw_columns c WHERE NOT c.is_hidden`,
} as const;

/** Array columns arrive parsed from RisingWave's varchar[]; a text form is parsed here too. */
function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string" || value === "{}" || value === "") return [];
  return value
    .replace(/^\{|\}$/g, "")
    .split(",")
    .map((item) => item.replace(/^"|"$/g, ""));
}

export async function readCatalog(
  query: (sql: string) => Promise<pg.QueryResult>,
  version: RisingWaveVersion,
): Promise<CatalogSnapshot> {
  const schemas = await query(CATALOG_QUERIES.schemas);
  const relations = await query(CATALOG_QUERIES.relations);
  const depends = await query(CATALOG_QUERIES.depends);
  const indexes = await query(CATALOG_QUERIES.indexes);
  const creating = await query(CATALOG_QUERIES.creating);
  const users = await query(CATALOG_QUERIES.users);
  const creatingMvs = atLeast(version, { major: 2, minor: 8, patch: 0 })
    ? await query(CATALOG_QUERIES.creatingMvs)
    : { rows: [] };
  const columns = await query(CATALOG_QUERIES.columns);
  const rows: CatalogRows = {
    schemas: schemas.rows.map((row) => String(row.name)),
    schemaOwners: Object.fromEntries(
      schemas.rows.map((row) => [String(row.name), Number(row.owner)]),
    ),
    relations: relations.rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      type: String(row.relation_type),
      schema: String(row.schema_name),
      owner: Number(row.owner),
      acl: textArray(row.acl),
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
      definition: row.definition === null ? undefined : String(row.definition),
    })),
    creating: creating.rows.map((row) => ({
      ddlId: Number(row.ddl_id),
      statement: String(row.ddl_statement),
      progress: String(row.progress),
    })),
    users: users.rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      isSuper: row.is_super === true || row.is_super === "t",
    })),
    currentUser: users.rows
      .filter((row) => row.is_current === true || row.is_current === "t")
      .map((row) => String(row.name))[0],
    creatingMvs: creatingMvs.rows.map((row) => Number(row.id)),
    columns: columns.rows.map((row) => ({
      relationId: Number(row.relation_id),
      name: String(row.name),
      position: Number(row.position),
      dataType: String(row.data_type),
    })),
  };
  return new CatalogSnapshot(rows);
}
