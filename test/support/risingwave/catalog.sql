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
  sink_type text NOT NULL,
  definition text NOT NULL
);

-- Subscriptions too: a view over the relation it is FROM (translate-sinks.ts).
CREATE TABLE rw_standin.subscriptions (
  view_oid oid PRIMARY KEY,
  definition text NOT NULL
);

-- DISTRIBUTED BY of an index, which PostgreSQL has no place for (translateCreateIndex).
CREATE TABLE rw_standin.index_distribution (
  index_oid oid PRIMARY KEY,
  columns text NOT NULL
);

-- Identifiers over 63 bytes reach PostgreSQL as aliases (long-identifiers.ts).
CREATE TABLE rw_standin.long_names (
  alias name PRIMARY KEY,
  full_name text NOT NULL
);

CREATE FUNCTION rw_standin.full_name(stored name) RETURNS varchar
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce((SELECT full_name FROM rw_standin.long_names WHERE alias = stored), stored)::varchar $$;

-- The RisingWave version this database reports (standin.ts setStandInVersion), which the
-- version-dependent emulations below follow.
CREATE TABLE rw_standin.reported_version (
  major int NOT NULL,
  minor int NOT NULL,
  patch int NOT NULL
);
INSERT INTO rw_standin.reported_version VALUES (2, 6, 0);

CREATE FUNCTION rw_standin.version_at_least(major int, minor int) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT (v.major, v.minor) >= (version_at_least.major, version_at_least.minor)
        FROM rw_standin.reported_version v $$;

-- From v2.3.0 (PR #20056) the relation catalogs list only what the session user may access:
-- its own objects, objects it holds a privilege on, and (superuser) everything; v2.3-v2.6 also
-- everything in schema public, v2.7.0 (PR #23331) dropped that exemption
-- (src/frontend/src/user/mod.rs has_access_to_object @v2.6.2 and @main). rw_depend and
-- rw_schemas are not filtered.
CREATE FUNCTION rw_standin.visible(relation oid, schema_name name, relowner oid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT NOT rw_standin.version_at_least(2, 3)
        OR relowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
        OR (schema_name = 'public' AND NOT rw_standin.version_at_least(2, 7))
        OR pg_catalog.has_table_privilege(relation, 'SELECT, INSERT, UPDATE, DELETE') $$;

-- RisingWave's acl items (get_acl_items, src/frontend/src/catalog/system_catalog/mod.rs @v2.2.0
-- and @main): `grantee=<modes>/<grantor>` with `*` after a mode held WITH GRANT OPTION; every
-- superuser is listed with all the object's modes granted by the bootstrap superuser; the owner
-- holds no grant entries of its own. Modes use PostgreSQL's letters (src/common/src/acl/mod.rs).
CREATE FUNCTION rw_standin.acl_items(relacl aclitem[], relowner oid, all_modes text) RETURNS varchar[]
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(pg_catalog.array_agg(item ORDER BY item), '{}')::varchar[] FROM (
      SELECT r.rolname || '=' || all_modes || '/' || boot.rolname AS item
        FROM pg_catalog.pg_roles r, pg_catalog.pg_roles boot
       WHERE r.rolsuper AND boot.oid = 10
      UNION ALL
      SELECT grantee.rolname || '=' || pg_catalog.string_agg(
               CASE a.privilege_type WHEN 'SELECT' THEN 'r' WHEN 'INSERT' THEN 'a'
                 WHEN 'UPDATE' THEN 'w' WHEN 'DELETE' THEN 'd' END
               || CASE WHEN a.is_grantable THEN '*' ELSE '' END, '' ORDER BY a.privilege_type DESC)
             || '/' || grantor.rolname
        FROM pg_catalog.aclexplode(relacl) a
        JOIN pg_catalog.pg_roles grantee ON grantee.oid = a.grantee
        JOIN pg_catalog.pg_roles grantor ON grantor.oid = a.grantor
       WHERE a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
         AND NOT grantee.rolsuper AND a.grantee <> relowner
       GROUP BY grantee.rolname, grantor.rolname
    ) items $$;

-- Schemas RisingWave lists: its system schemas and the user's, never PostgreSQL
-- internals or the stand-in's own.
CREATE VIEW rw_standin.visible_schemas AS
  SELECT oid, nspname, nspowner
  FROM pg_catalog.pg_namespace
  WHERE nspname !~ '^pg_(toast|temp_[0-9]+|toast_temp_[0-9]+)$'
    AND nspname NOT IN ('rw_standin', 'rw_standin_version');

CREATE VIEW rw_standin.user_relations AS
  SELECT c.oid, c.relname, c.relkind, c.relnamespace, c.relowner, c.relacl
  FROM pg_catalog.pg_class c
  JOIN rw_standin.visible_schemas s ON s.oid = c.relnamespace
  WHERE s.nspname NOT IN ('pg_catalog', 'information_schema', 'rw_catalog');

-- What the session user may see of user_relations (rw_standin.visible).
CREATE VIEW rw_standin.accessible_relations AS
  SELECT c.* FROM rw_standin.user_relations c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE rw_standin.visible(c.oid, n.nspname, c.relowner);

CREATE VIEW rw_catalog.rw_schemas AS
  SELECT oid::int AS id, rw_standin.full_name(nspname) AS name, nspowner::int AS owner
  FROM rw_standin.visible_schemas;

-- Background jobs in progress. The stand-in builds every MV before CREATE returns, so
-- there is never one of its own: tests put one here (target.simulateBackfill) with the id of
-- the MV it stands for, which then behaves as an MV RisingWave is still creating (see the
-- rw_depend and rw_materialized_views views, and the translations in translate-ddl.ts).
CREATE TABLE rw_standin.ddl_progress (
  ddl_id bigint NOT NULL,
  ddl_statement varchar NOT NULL,
  progress varchar NOT NULL,
  initialized_at timestamptz NOT NULL DEFAULT now(),
  -- false: meta has finished the job (it left rw_ddl_progress) but this frontend's catalog still
  -- says Creating, the moment before its notification arrives (rw-sql-audit.md 2.4).
  listed boolean NOT NULL DEFAULT true
);
CREATE VIEW rw_catalog.rw_ddl_progress AS
  SELECT ddl_id, ddl_statement, progress, initialized_at FROM rw_standin.ddl_progress WHERE listed;

CREATE FUNCTION rw_standin.is_creating(relation oid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT EXISTS (SELECT 1 FROM rw_standin.ddl_progress WHERE ddl_id = relation::int) $$;

-- DROP of an MV still being created cancels its job (src/frontend/src/handler/drop_mv.rs
-- @v2.2.0 cancel_creating_jobs; through meta on main): the job leaves rw_ddl_progress with it.
CREATE FUNCTION rw_standin.cancel_dropped_jobs() RETURNS event_trigger
  LANGUAGE plpgsql
  AS $$ BEGIN
    DELETE FROM rw_standin.ddl_progress
     WHERE ddl_id IN (SELECT objid::int FROM pg_catalog.pg_event_trigger_dropped_objects());
  END $$;
CREATE EVENT TRIGGER rw_standin_drop_cancels_job ON sql_drop
  EXECUTE FUNCTION rw_standin.cancel_dropped_jobs();

CREATE VIEW rw_catalog.rw_tables AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner,
    ('CREATE TABLE ' || pg_catalog.quote_ident(rw_standin.full_name(c.relname)) || ' (' || (
      SELECT pg_catalog.string_agg(
        pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod),
        ', ' ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    ) || ')')::varchar AS definition,
    rw_standin.acl_items(c.relacl, c.relowner, 'arwd') AS acl
  FROM rw_standin.accessible_relations c
  WHERE c.relkind IN ('r', 'p');

CREATE VIEW rw_catalog.rw_views AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner,
    ('CREATE VIEW ' || pg_catalog.quote_ident(rw_standin.full_name(c.relname)) || ' AS '
      || pg_catalog.rtrim(pg_catalog.btrim(pg_catalog.pg_get_viewdef(c.oid)), ';'))::varchar AS definition,
    rw_standin.acl_items(c.relacl, c.relowner, 'arwd') AS acl
  FROM rw_standin.accessible_relations c
  WHERE c.relkind = 'v' AND c.oid NOT IN (SELECT view_oid FROM rw_standin.sinks)
    AND c.oid NOT IN (SELECT view_oid FROM rw_standin.subscriptions);

-- Every column rw_catalog.rw_materialized_views has in some version; which of them it shows
-- depends on the reported version (rw_standin.define_version_dependent_views).
CREATE VIEW rw_standin.materialized_views AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner,
    ('CREATE MATERIALIZED VIEW ' || pg_catalog.quote_ident(rw_standin.full_name(c.relname)) || ' AS '
      || pg_catalog.rtrim(pg_catalog.btrim(pg_catalog.pg_get_viewdef(c.oid)), ';'))::varchar AS definition,
    rw_standin.acl_items(c.relacl, c.relowner, 'arwd') AS acl,
    (CASE WHEN rw_standin.is_creating(c.oid) THEN 'Creating' ELSE 'Created' END)::varchar AS status
  FROM rw_standin.accessible_relations c
  WHERE c.relkind = 'm';

-- Indexes backing PostgreSQL constraints (a table's primary key) are not indexes in
-- RisingWave's sense, so only CREATE INDEX ones are listed. The definition is the CREATE INDEX
-- statement, as RisingWave keeps it (index_table.create_sql(), rw_indexes.rs @v2.2.0), without
-- PostgreSQL's access method.
CREATE VIEW rw_catalog.rw_indexes AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, i.indrelid::int AS primary_table_id,
    i.indkey::smallint[] AS indkey, c.relnamespace::int AS schema_id, c.relowner::int AS owner,
    (pg_catalog.replace(pg_catalog.pg_get_indexdef(c.oid), ' USING btree ', ' ')
      || coalesce(' DISTRIBUTED BY (' || d.columns || ')', ''))::varchar AS definition,
    '{}'::varchar[] AS acl
  FROM rw_standin.accessible_relations c
  JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
  LEFT JOIN rw_standin.index_distribution d ON d.index_oid = c.oid
  WHERE c.relkind = 'i'
    AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint k
      WHERE k.conindid = c.oid AND k.contype IN ('p', 'u', 'x'));

CREATE VIEW rw_catalog.rw_sinks AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner, s.connector::varchar AS connector, s.sink_type::varchar AS sink_type,
    s.definition::varchar AS definition,
    rw_standin.acl_items(c.relacl, c.relowner, 'r') AS acl
  FROM rw_standin.accessible_relations c
  JOIN rw_standin.sinks s ON s.view_oid = c.oid;

-- No sources can exist on the stand-in; the view exists so that queries naming it work.
CREATE VIEW rw_catalog.rw_sources AS
  SELECT NULL::int AS id, NULL::varchar AS name, NULL::int AS schema_id, NULL::int AS owner,
    NULL::varchar AS definition, NULL::varchar[] AS acl
  WHERE false;

-- rw_subscriptions.rs @v2.2.0 (the columns the design reads).
CREATE VIEW rw_catalog.rw_subscriptions AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner, s.definition::varchar AS definition,
    rw_standin.acl_items(c.relacl, c.relowner, 'r') AS acl
  FROM rw_standin.accessible_relations c
  JOIN rw_standin.subscriptions s ON s.view_oid = c.oid;

CREATE VIEW rw_catalog.rw_system_tables AS
  SELECT c.oid::int AS id, rw_standin.full_name(c.relname) AS name, c.relnamespace::int AS schema_id,
    c.relowner::int AS owner, NULL::varchar AS definition, '{}'::varchar[] AS acl
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname IN ('pg_catalog', 'information_schema', 'rw_catalog') AND c.relkind IN ('r', 'v');

-- rw_relations.rs @v2.2.0 and @main: the same columns from every relation catalog.
CREATE VIEW rw_catalog.rw_relations AS
  SELECT id, name, 'table'::varchar AS relation_type, schema_id, owner, definition, acl FROM rw_catalog.rw_tables
  UNION ALL SELECT id, name, 'system table', schema_id, owner, definition, acl FROM rw_catalog.rw_system_tables
  UNION ALL SELECT id, name, 'source', schema_id, owner, definition, acl FROM rw_catalog.rw_sources
  UNION ALL SELECT id, name, 'index', schema_id, owner, definition, acl FROM rw_catalog.rw_indexes
  UNION ALL SELECT id, name, 'sink', schema_id, owner, definition, acl FROM rw_catalog.rw_sinks
  UNION ALL SELECT id, name, 'subscription', schema_id, owner, definition, acl FROM rw_catalog.rw_subscriptions
  UNION ALL SELECT id, name, 'materialized view', schema_id, owner, definition, acl
    FROM rw_standin.materialized_views
  UNION ALL SELECT id, name, 'view', schema_id, owner, definition, acl FROM rw_catalog.rw_views;

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
-- rw_indexes and go along with their table or MV when it is dropped). Dependents still being
-- created are left out, as RisingWave lists only created objects' dependencies
-- (list_created_object_dependencies, src/meta/src/controller/catalog/util.rs @v2.2.0).
CREATE VIEW rw_catalog.rw_depend AS
  SELECT DISTINCT r.ev_class::int AS objid, d.refobjid::int AS refobjid
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
  JOIN rw_standin.user_relations dependent ON dependent.oid = r.ev_class
  JOIN rw_standin.user_relations referenced ON referenced.oid = d.refobjid
  WHERE d.refclassid = 'pg_catalog.pg_class'::regclass
    AND d.refobjid <> r.ev_class
    AND NOT rw_standin.is_creating(r.ev_class);

-- rw_users.rs @v2.2.0 (is_admin arrived in v2.6 and is not emulated).
CREATE VIEW rw_catalog.rw_users AS
  SELECT oid::int AS id, rolname::varchar AS name, rolsuper AS is_super, rolcreatedb AS create_db,
    rolcreaterole AS create_user, rolcanlogin AS can_login
  FROM pg_catalog.pg_roles
  WHERE rolname !~ '^pg_';

-- rw_materialized_views.status ('Creating'/'Created', StreamJobStatus in
-- src/common/src/catalog/mod.rs) arrived in v2.8.0; before that the column does not exist.
CREATE FUNCTION rw_standin.define_version_dependent_views() RETURNS void
  LANGUAGE plpgsql
  AS $$ BEGIN
    DROP VIEW IF EXISTS rw_catalog.rw_materialized_views;
    EXECUTE 'CREATE VIEW rw_catalog.rw_materialized_views AS SELECT id, name, schema_id, owner, '
      || 'definition, acl' || CASE WHEN rw_standin.version_at_least(2, 8) THEN ', status' ELSE '' END
      || ' FROM rw_standin.materialized_views';
    GRANT SELECT ON rw_catalog.rw_materialized_views TO PUBLIC;
  END $$;
SELECT rw_standin.define_version_dependent_views();

-- `EXPLAIN CREATE MATERIALIZED VIEW s.x AS q`: RisingWave looks the schema up and checks the
-- CREATE privilege on it (get_database_and_schema_id_for_create, src/frontend/src/session.rs
-- @v2.2.0 and @main, called from gen_create_mv_plan_bound in handler/create_mv.rs), skips the
-- duplicate-name check, and plans q. The plan's root is
-- `StreamMaterialize { columns: [a, b, c(hidden)], ... }`
-- (stream_materialize.rs distill @v2.2.0 and @main); below it the stand-in shows
-- PostgreSQL's plan of q. The error texts are RisingWave's (CatalogError::NotFound
-- "schema not found: s"; ObjectCheckItem::error_message in handler/privilege.rs).
CREATE FUNCTION rw_standin.explain_create_mv(target_schema text, query text)
  RETURNS TABLE ("QUERY PLAN" varchar)
  LANGUAGE plpgsql
  AS $$
  DECLARE
    probe text := 'rw_standin_explain_' || pg_catalog.pg_backend_pid();
    columns text;
    line text;
  BEGIN
    IF target_schema IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = target_schema) THEN
      RAISE EXCEPTION USING ERRCODE = '42704',
        MESSAGE = 'Catalog error: schema not found: ' || target_schema;
    END IF;
    IF NOT pg_catalog.has_schema_privilege(coalesce(target_schema, pg_catalog.current_schema()), 'CREATE') THEN
      RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = pg_catalog.format('Permission denied: permission denied for schema "%s": CREATE',
          coalesce(target_schema, pg_catalog.current_schema()));
    END IF;
    EXECUTE pg_catalog.format('CREATE TEMP VIEW %I AS %s', probe, query);
    SELECT pg_catalog.string_agg(a.attname, ', ' ORDER BY a.attnum) INTO columns
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = pg_catalog.to_regclass('pg_temp.' || pg_catalog.quote_ident(probe))
       AND a.attnum > 0;
    EXECUTE pg_catalog.format('DROP VIEW pg_temp.%I', probe);
    RETURN QUERY SELECT pg_catalog.format(
      'StreamMaterialize { columns: [%s, _rw_timestamp(hidden)], stream_key: [], pk_columns: [], pk_conflict: NoCheck }',
      columns)::varchar;
    FOR line IN EXECUTE 'EXPLAIN ' || query LOOP
      RETURN QUERY SELECT ('  ' || line)::varchar;
    END LOOP;
  END $$;

-- `DESCRIBE x` (handler/describe.rs @v2.2.0 and @main): one row per column (hidden ones
-- marked, such as _rw_timestamp) with its comment, one per index, then `table description`
-- with the relation's comment. Column names are shown quoted where needed from v2.5.0
-- (ShowColumnName, handler/show.rs), raw before.
CREATE FUNCTION rw_standin.describe(relation regclass)
  RETURNS TABLE ("Name" varchar, "Type" varchar, "Is Hidden" varchar, "Description" varchar)
  LANGUAGE sql STABLE
  AS $$
    SELECT name, type, is_hidden, description FROM (
      SELECT 1 AS part, a.attnum AS ordinal,
        (CASE WHEN rw_standin.version_at_least(2, 5) THEN pg_catalog.quote_ident(a.attname)
              ELSE a.attname END)::varchar AS name,
        pg_catalog.format_type(a.atttypid, a.atttypmod)::varchar AS type,
        'false'::varchar AS is_hidden,
        pg_catalog.col_description(relation, a.attnum)::varchar AS description
        FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT 2, 0, '_rw_timestamp', 'timestamp with time zone', 'true', NULL
      UNION ALL
      SELECT 3, i.indexrelid::int, rw_standin.full_name(c.relname),
        ('index(' || (SELECT pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, true) || ' ASC', ', ' ORDER BY k)
                        FROM pg_catalog.generate_series(1, i.indnkeyatts) k)
          || ') distributed by(' || pg_catalog.pg_get_indexdef(i.indexrelid, 1, true) || ')')::varchar,
        NULL, NULL
        FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = relation
      UNION ALL
      SELECT 4, 0, 'table description', rw_standin.full_name(c.relname),
        NULL, pg_catalog.obj_description(relation, 'pg_class')::varchar
        FROM pg_catalog.pg_class c WHERE c.oid = relation
    ) rows ORDER BY part, ordinal
  $$;

GRANT USAGE ON SCHEMA rw_catalog, rw_standin_version TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA rw_catalog TO PUBLIC;
GRANT USAGE ON SCHEMA rw_standin TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA rw_standin TO PUBLIC;
-- The stand-in's functions and translated statements run as the session user.
GRANT SELECT ON rw_standin.reported_version TO PUBLIC;
GRANT SELECT, INSERT ON rw_standin.long_names TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON rw_standin.sinks TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON rw_standin.subscriptions TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON rw_standin.index_distribution TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON rw_standin.ddl_progress TO PUBLIC;
