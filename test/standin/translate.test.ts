// Unit tests of the stand-in's SQL translation: what must change, and (as much)
// what must pass through byte for byte.
import { describe, expect, test } from "vitest";
import { splitStatements } from "../support/risingwave/sql-lexer.js";
import { aliasFor } from "../support/risingwave/long-identifiers.js";
import { translateQueryText } from "../support/risingwave/translate.js";

describe("statement splitting", () => {
  test("splits only at top-level semicolons", () => {
    const sql =
      "SELECT 'a;b' AS s; SELECT \"x;y\" FROM t -- c;d\n; SELECT $q$ ; $q$, E'\\';' /* ; /* ; */ ; */; SELECT 1";
    expect(splitStatements(sql)).toEqual([
      "SELECT 'a;b' AS s",
      ' SELECT "x;y" FROM t -- c;d\n',
      " SELECT $q$ ; $q$, E'\\';' /* ; /* ; */ ; */",
      " SELECT 1",
    ]);
  });
});

describe("pass-through", () => {
  test.each([
    "SELECT 1",
    "CREATE MATERIALIZED VIEW mv AS SELECT * FROM t;",
    "SELECT 'ALTER MATERIALIZED VIEW a SWAP WITH b' AS not_a_statement",
    "-- SET BACKGROUND_DDL = true\nSELECT 2",
    "SET statement_timeout = 1000",
    "SHOW search_path",
    "DROP MATERIALIZED VIEW IF EXISTS x",
    "EXPLAIN SELECT * FROM t",
    "COMMENT ON COLUMN mv.c IS 'x'",
    "SELECT 1; SELECT 2;",
  ])("%s", (sql) => {
    expect(translateQueryText(sql)).toBe(sql);
  });
});

describe("SWAP WITH", () => {
  test("becomes one DO block of three renames, keeping quoting and schema", () => {
    const out = translateQueryText(
      'ALTER MATERIALIZED VIEW "Mart"."Orders" SWAP WITH "Mart".orders_next',
    );
    expect(out).toMatch(/^DO \$rw_standin_0\$/);
    const renames = [...out.matchAll(/ALTER MATERIALIZED VIEW (\S+) RENAME TO (\S+);/g)].map(
      (m) => [m[1], m[2]],
    );
    const scratch = renames[0]?.[1] as string;
    expect(scratch).toMatch(/^rw_standin_swap_[0-9a-f]{12}$/);
    expect(renames).toEqual([
      ['"Mart"."Orders"', scratch],
      ['"Mart".orders_next', '"Orders"'],
      [`"Mart".${scratch}`, "orders_next"],
    ]);
    expect(out).not.toMatch(/\b(BEGIN;|COMMIT)\b/);
  });

  test("any case, and TABLE / VIEW / SINK forms", () => {
    expect(translateQueryText("alter materialized view a swap with b")).toContain(
      "ALTER MATERIALIZED VIEW a RENAME TO",
    );
    expect(translateQueryText("ALTER TABLE s.t1 SWAP WITH s.t2")).toContain(
      "ALTER TABLE s.t2 RENAME TO t1;",
    );
    expect(translateQueryText("ALTER VIEW v1 SWAP WITH v2")).toContain(
      "ALTER VIEW v2 RENAME TO v1;",
    );
    expect(translateQueryText("ALTER SINK k1 SWAP WITH k2")).toContain(
      "ALTER VIEW k2 RENAME TO k1;",
    );
  });

  test("is translated inside a multi-statement query, leaving the others alone", () => {
    const out = translateQueryText("SELECT 1; ALTER MATERIALIZED VIEW a SWAP WITH b; SELECT 2");
    const [first, second, third] = splitStatements(out);
    expect(first).toBe("SELECT 1");
    expect(second).toMatch(/^DO /);
    expect(third).toBe(" SELECT 2");
  });
});

describe("session commands", () => {
  test("RisingWave session parameters map to rw_standin GUCs", () => {
    expect(translateQueryText("SET BACKGROUND_DDL = true")).toBe(
      "SET rw_standin.background_ddl = 'true'",
    );
    expect(translateQueryText("set background_ddl to off")).toBe(
      "SET rw_standin.background_ddl = 'false'",
    );
    expect(translateQueryText("SET LOCAL allow_drop_cascade = 'on'")).toBe(
      "SET LOCAL rw_standin.allow_drop_cascade = 'true'",
    );
    expect(translateQueryText("RESET background_ddl")).toBe("RESET rw_standin.background_ddl");
    expect(translateQueryText("SHOW BACKGROUND_DDL")).toBe(
      "SELECT pg_catalog.current_setting('rw_standin.background_ddl') AS background_ddl",
    );
    expect(translateQueryText("SET background_ddl = maybe")).toMatch(
      /RAISE EXCEPTION .*Invalid value/,
    );
  });

  test("WAIT and FLUSH become DO blocks", () => {
    expect(translateQueryText("WAIT")).toMatch(/^DO .*FROM rw_standin\.ddl_progress/);
    const waitMv = translateQueryText("WAIT MATERIALIZED VIEW s.mv");
    expect(waitMv).toContain("rw_standin.version_at_least(3, 0)");
    expect(waitMv).toContain("WHILE rw_standin.is_creating('s.mv'::pg_catalog.regclass) LOOP");
    expect(translateQueryText("FLUSH")).toContain("REFRESH MATERIALIZED VIEW");
  });
});

describe("EXPLAIN CREATE", () => {
  test.each([
    [
      "EXPLAIN CREATE MATERIALIZED VIEW mv AS SELECT a FROM t",
      "SELECT * FROM rw_standin.explain_create_mv(NULL, $rw_standin_0$SELECT a FROM t$rw_standin_0$)",
    ],
    [
      'explain (verbose) create materialized view if not exists "S".mv as with x as (select 1) select * from x',
      "SELECT * FROM rw_standin.explain_create_mv('S', $rw_standin_0$with x as (select 1) select * from x$rw_standin_0$)",
    ],
    [
      "EXPLAIN CREATE SINK k FROM s.mv WITH (connector = 'blackhole')",
      "EXPLAIN SELECT * FROM s.mv",
    ],
    [
      "EXPLAIN CREATE SINK k AS SELECT a FROM t WITH (connector = 'kafka') FORMAT PLAIN ENCODE JSON",
      "EXPLAIN SELECT a FROM t",
    ],
    ["EXPLAIN CREATE INDEX i ON s.mv (a DESC, b) INCLUDE (c)", "EXPLAIN SELECT a, b FROM s.mv"],
  ])("%s", (sql, expected) => {
    expect(translateQueryText(sql)).toBe(expected);
  });
});

describe("sinks, CASCADE and comments", () => {
  test("CREATE SINK ... AS with a CTE keeps the whole query and finds the options after it", () => {
    const out = translateQueryText(
      "CREATE SINK IF NOT EXISTS k AS WITH x AS (SELECT a FROM t) SELECT a FROM x WITH (connector = 'blackhole')",
    );
    expect(out).toContain(
      "EXECUTE 'CREATE VIEW k AS WITH x AS (SELECT a FROM t) SELECT a FROM x';",
    );
    expect(out).toContain("'blackhole'");
    expect(out).toContain("already exists, skipping");
  });

  test("DROP ... CASCADE is wrapped in the allow_drop_cascade check; without CASCADE it is not", () => {
    const out = translateQueryText("DROP MATERIALIZED VIEW x CASCADE");
    expect(out).toContain("current_setting('rw_standin.allow_drop_cascade', true)");
    expect(out).toContain("Not supported: DROP MATERIALIZED VIEW CASCADE is disabled.");
    expect(out).toContain("EXECUTE $rw_standin_0$DROP MATERIALIZED VIEW x CASCADE$rw_standin_0$;");
    expect(translateQueryText("DROP SINK k CASCADE")).toMatch(/CASCADE is disabled.*DROP VIEW/s);
  });

  test("COMMENT ON TABLE picks the PostgreSQL keyword for the relation's kind", () => {
    const out = translateQueryText("COMMENT ON TABLE s.mv IS 'it''s'");
    expect(out).toContain("rel pg_catalog.regclass := 's.mv';");
    expect(out).toContain("$rw_standin_0$'it''s'$rw_standin_0$");
  });
});

describe("GRANT / REVOKE object kinds", () => {
  test.each([
    ['GRANT SELECT ON MATERIALIZED VIEW "s"."mv" TO "r"', 'GRANT SELECT ON TABLE "s"."mv" TO "r"'],
    ["revoke select on materialized view a, b from r", "revoke select on TABLE a, b from r"],
    ["GRANT SELECT ON SINK k TO r", "GRANT SELECT ON TABLE k TO r"],
    ["GRANT ALL ON MATERIALIZED VIEW mv TO r", "GRANT SELECT ON TABLE mv TO r"],
  ])("%s runs only once the MV is created", (sql, expected) => {
    const out = translateQueryText(sql);
    expect(out).toMatch(/^DO .*IF rw_standin\.is_creating\(/s);
    expect(out).toContain(`EXECUTE $rw_standin_0$${expected}$rw_standin_0$;`);
  });

  test.each([
    [
      "GRANT SELECT ON ALL MATERIALIZED VIEWS IN SCHEMA s TO r",
      "GRANT SELECT ON ALL TABLES IN SCHEMA s TO r",
    ],
    ["GRANT SELECT ON TABLE t TO r", "GRANT SELECT ON TABLE t TO r"],
    ["GRANT INSERT ON VIEW v TO r", "GRANT INSERT ON TABLE v TO r"],
    ["GRANT r1 TO r2", "GRANT r1 TO r2"],
  ])("%s", (sql, expected) => {
    expect(translateQueryText(sql)).toBe(expected);
  });

  test("a privilege other than SELECT (or ALL) on an MV is refused as RisingWave refuses it", () => {
    expect(translateQueryText("GRANT INSERT ON MATERIALIZED VIEW mv TO r")).toContain(
      "Bind error: Invalid privilege type for the given object.",
    );
  });
});

describe("identifier length", () => {
  const long = `${"m".repeat(70)}_1`;
  test("identifiers over 63 bytes become distinct deterministic aliases, registered when created", () => {
    const out = translateQueryText(`CREATE MATERIALIZED VIEW ${long} AS SELECT 1`);
    const alias = aliasFor(long);
    expect(Buffer.byteLength(alias)).toBeLessThanOrEqual(63);
    expect(aliasFor(`${"m".repeat(70)}_2`)).not.toBe(alias);
    expect(out).toContain(`VALUES ('${alias}', '${long}')`);
    expect(out).toContain(`CREATE MATERIALIZED VIEW "${alias}" AS SELECT 1`);
    expect(translateQueryText(`SELECT * FROM "${long.toUpperCase()}"`)).toBe(
      `SELECT * FROM "${aliasFor(long.toUpperCase())}"`,
    );
    expect(translateQueryText(`select * from ${long.toUpperCase()}`)).toBe(
      `select * from "${alias}"`,
    );
  });

  test("strings and identifiers of 63 bytes or less are left alone", () => {
    expect(translateQueryText(`SELECT '${long}' AS s`)).toBe(`SELECT '${long}' AS s`);
    const exactly63 = "y".repeat(63);
    expect(translateQueryText(`SELECT 1 AS ${exactly63}`)).toBe(`SELECT 1 AS ${exactly63}`);
  });
});
