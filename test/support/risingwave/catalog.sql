-- Objects of the stand-in's template database (see standin.ts).
-- rw_catalog: views over pg_catalog with RisingWave's names and column names, so
-- product code reads the same catalog on the stand-in and on RisingWave.
-- rw_standin: the stand-in's own bookkeeping; hidden from every rw_catalog view.
-- rw_standin_version: holds version() (created by standin.ts), found before
-- pg_catalog's via search_path.

CREATE SCHEMA rw_standin;
CREATE SCHEMA rw_standin_version;
CREATE SCHEMA rw_catalog;

-- Sinks are plain views registered here (the proxy's CREATE SINK translation).
CREATE TABLE rw_standin.sinks (
  view_oid oid PRIMARY KEY,
  connector text,
  definition text NOT NULL
);

-- Identifiers over 63 bytes reach PostgreSQL as aliases (long-identifiers.ts).
CREATE TABLE rw_standin.long_names (
  alias name PRIMARY KEY,
  full_name text NOT NULL
);

CREATE FUNCTION rw_standin.full_name(stored name) RETURNS varchar
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce((SELECT full_name FROM rw_standin.long_names WHERE alias = stored), stored)::varchar $$;

-- Schemas RisingWave lists: its system schemas and the user's, never PostgreSQL
-- internals or the stand-in's own.
CREATE VIEW rw_standin.visible_schemas AS
  SELECT oid, nspname, nspowner
  FROM pg_catalog.pg_namespace
  WHERE nspname !~ '^pg_(toast|temp_[0-9]+|toast_temp_[0-9]+)$'
    AND nspname NOT IN ('rw_standin', 'rw_standin_version');

CREATE VIEW rw_standin.user_relations AS
  SELECT c.oid, c.relname, c.relkind, c.relnamespace, c.relowner
  FROM pg_catalog.pg_class c
  JOIN rw_standin.visible_schemas s ON s.oid = c.relnamespace
  WHERE s.nspname NOT IN ('pg_catalog', 'information_schema', 'rw_catalog');

CREATE VIEW rw_catalog.rw_schemas AS
  SELECT oid::int AS id, rw_standin.full_name(nspname) AS name, nspowner::int AS owner
  FROM rw_standin.visible_schemas;

CREATE VIEW rw_catalog.rw_tables AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner,
    ('CREATE TABLE ' || pg_catalog.quote_ident(rw_standin.full_name(c.relname)) || ' (' || (
      SELECT pg_catalog.string_agg(
        pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod),
        ', ' ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    ) || ')')::varchar AS definition
  FROM rw_standin.user_relations c
  WHERE c.relkind IN ('r', 'p');

CREATE VIEW rw_catalog.rw_views AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner,
    ('CREATE VIEW ' || pg_catalog.quote_ident(rw_standin.full_name(c.relname)) || ' AS '
      || pg_catalog.rtrim(pg_catalog.btrim(pg_catalog.pg_get_viewdef(c.oid)), ';'))::varchar AS definition
  FROM rw_standin.user_relations c
  WHERE c.relkind = 'v' AND c.oid NOT IN (SELECT view_oid FROM rw_standin.sinks);

CREATE VIEW rw_catalog.rw_materialized_views AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner,
    ('CREATE MATERIALIZED VIEW ' || pg_catalog.quote_ident(rw_standin.full_name(c.relname)) || ' AS '
      || pg_catalog.rtrim(pg_catalog.btrim(pg_catalog.pg_get_viewdef(c.oid)), ';'))::varchar AS definition
  FROM rw_standin.user_relations c
  WHERE c.relkind = 'm';

-- Indexes backing PostgreSQL constraints (a table's primary key) are not indexes in
-- RisingWave's sense, so only CREATE INDEX ones are listed.
CREATE VIEW rw_catalog.rw_indexes AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, i.indrelid::int AS primary_table_id,
    i.indkey::smallint[] AS indkey, c.relnamespace::int AS schema_id, c.relowner::int AS owner,
    pg_catalog.pg_get_indexdef(c.oid)::varchar AS definition
  FROM rw_standin.user_relations c
  JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
  WHERE c.relkind = 'i'
    AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint k
      WHERE k.conindid = c.oid AND k.contype IN ('p', 'u', 'x'));

CREATE VIEW rw_catalog.rw_sinks AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner, s.connector::varchar AS connector, s.definition::varchar AS definition
  FROM rw_standin.user_relations c
  JOIN rw_standin.sinks s ON s.view_oid = c.oid;

-- No sources or subscriptions can exist on the stand-in; the views exist so that
-- queries naming them work.
CREATE VIEW rw_catalog.rw_sources AS
  SELECT NULL::int AS id, NULL::varchar AS name, NULL::int AS schema_id, NULL::int AS owner,
    NULL::varchar AS definition
  WHERE false;

CREATE VIEW rw_catalog.rw_subscriptions AS
  SELECT NULL::int AS id, NULL::varchar AS name, NULL::int AS schema_id, NULL::int AS owner,
    NULL::varchar AS definition
  WHERE false;

CREATE VIEW rw_catalog.rw_system_tables AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner, NULL::varchar AS definition
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname IN ('pg_catalog', 'information_schema', 'rw_catalog') AND c.relkind IN ('r', 'v');

CREATE VIEW rw_catalog.rw_relations AS
  SELECT id, name, 'table'::varchar AS relation_type, schema_id, owner, definition FROM rw_catalog.rw_tables
  UNION ALL SELECT id, name, 'system table', schema_id, owner, definition FROM rw_catalog.rw_system_tables
  UNION ALL SELECT id, name, 'source', schema_id, owner, definition FROM rw_catalog.rw_sources
  UNION ALL SELECT id, name, 'index', schema_id, owner, definition FROM rw_catalog.rw_indexes
  UNION ALL SELECT id, name, 'sink', schema_id, owner, definition FROM rw_catalog.rw_sinks
  UNION ALL SELECT id, name, 'subscription', schema_id, owner, definition FROM rw_catalog.rw_subscriptions
  UNION ALL SELECT id, name, 'materialized view', schema_id, owner, definition
    FROM rw_catalog.rw_materialized_views
  UNION ALL SELECT id, name, 'view', schema_id, owner, definition FROM rw_catalog.rw_views;

-- Columns of every user relation, with RisingWave's column names (src/frontend/src/catalog/
-- system_catalog/rw_catalog/rw_columns.rs, v2.2.0); data_type is PostgreSQL's type name.
CREATE VIEW rw_catalog.rw_columns AS
  SELECT a.attrelid::int AS relation_id, a.attname::varchar AS name, a.attnum::int AS position,
    false AS is_hidden, false AS is_primary_key, false AS is_distribution_key, false AS is_generated,
    NULL::varchar AS generation_expression,
    pg_catalog.format_type(a.atttypid, a.atttypmod)::varchar AS data_type
  FROM pg_catalog.pg_attribute a
  JOIN rw_standin.user_relations c ON c.oid = a.attrelid
  WHERE a.attnum > 0 AND NOT a.attisdropped;

-- objid depends on refobjid. A view's (or MV's, or sink's) dependencies are those
-- of its rewrite rule; an index's tie to its table is not listed (indexes are in
-- rw_indexes and go along with their table or MV when it is dropped).
CREATE VIEW rw_catalog.rw_depend AS
  SELECT DISTINCT r.ev_class::int AS objid, d.refobjid::int AS refobjid
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
  JOIN rw_standin.user_relations dependent ON dependent.oid = r.ev_class
  JOIN rw_standin.user_relations referenced ON referenced.oid = d.refobjid
  WHERE d.refclassid = 'pg_catalog.pg_class'::regclass
    AND d.refobjid <> r.ev_class;

-- The stand-in builds every MV before CREATE returns: there is never backfill in progress of its
-- own. Tests that need a job in progress (progress lines, wait-timeout) insert one into
-- rw_standin.ddl_progress, with the id of the MV it stands for.
CREATE TABLE rw_standin.ddl_progress (
  ddl_id bigint NOT NULL,
  ddl_statement varchar NOT NULL,
  progress varchar NOT NULL,
  initialized_at timestamptz NOT NULL DEFAULT now()
);
CREATE VIEW rw_catalog.rw_ddl_progress AS
  SELECT ddl_id, ddl_statement, progress, initialized_at FROM rw_standin.ddl_progress;

GRANT USAGE ON SCHEMA rw_catalog, rw_standin_version TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA rw_catalog TO PUBLIC;
GRANT USAGE ON SCHEMA rw_standin TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON rw_standin.ddl_progress TO PUBLIC;
