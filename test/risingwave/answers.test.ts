// How the answers RisingWave gives (EXPLAIN, DESCRIBE, rw_indexes.definition, rw_depend) are read.
import { describe, expect, it } from "vitest";
import { formatProgress } from "../../src/risingwave/backfill.js";
import { CatalogSnapshot, HIDDEN_TYPE } from "../../src/risingwave/catalog.js";
import { parseDescribe } from "../../src/risingwave/describe.js";
import { streamMaterializeColumns } from "../../src/risingwave/explain-columns.js";
import { parseIndexDefinition } from "../../src/sql/index-definition.js";

describe("EXPLAIN CREATE MATERIALIZED VIEW", () => {
  it("gives the visible columns from the StreamMaterialize root", () => {
    expect(
      streamMaterializeColumns([
        "StreamMaterialize { columns: [kind, n, last_id, _row_id(hidden)], stream_key: [_row_id], pk_columns: [_row_id], pk_conflict: NoCheck }",
        "└─StreamHashAgg { group_key: [kind] }",
      ]),
    ).toEqual(["kind", "n", "last_id"]);
    expect(streamMaterializeColumns(["BatchProject { exprs: [1:Int32] }"])).toBeUndefined();
  });
});

describe("DESCRIBE", () => {
  it("columns with comments, hidden ones and index rows left out, quoted names read back, the relation's comment", () => {
    expect(
      parseDescribe([
        ["kind", "character varying", "false", "The kind"],
        ['"Total Amount"', "numeric", "false", null],
        ["payload.field", "integer", "false", null],
        ["_row_id", "serial", "true", null],
        ["primary key", "_row_id", null, null],
        ["idx", "index(kind ASC) distributed by(kind)", null, null],
        ["table description", "orders", null, "All orders"],
      ]),
    ).toEqual({
      columns: ["kind", "Total Amount"],
      columnComments: { kind: "The kind" },
      comment: "All orders",
    });
  });
});

describe("rw_indexes.definition", () => {
  it.each([
    [
      "CREATE INDEX idx ON t(v1 DESC, v2) INCLUDE(v3)",
      { rest: "(v1 DESC, v2) INCLUDE(v3)", columns: ["v1", "v2"], include: ["v3"] },
    ],
    [
      'CREATE INDEX "I" ON "s"."mv"("A b", c) INCLUDE("X") DISTRIBUTED BY(c)',
      {
        rest: '("A b", c) INCLUDE("X") DISTRIBUTED BY(c)',
        columns: ["A b", "c"],
        include: ["X"],
        distributedBy: ["c"],
      },
    ],
    ['CREATE INDEX "I" ON "s"."mv" ("A b", c)', { rest: '("A b", c)', columns: ["A b", "c"] }],
    ["CREATE INDEX i ON public.mv (lower(name))", { rest: "(lower(name))" }],
    ["CREATE INDEX i ON public.mv (a) INCLUDE (lower(b))", { rest: "(a) INCLUDE (lower(b))" }],
  ])("%s", (definition, shape) => {
    expect(parseIndexDefinition(definition)).toEqual(shape);
  });

  it("refuses what is not one CREATE INDEX of that shape", () => {
    expect(parseIndexDefinition("CREATE TABLE t (a int)")).toBeUndefined();
    expect(parseIndexDefinition("CREATE INDEX i ON t")).toBeUndefined();
  });
});

describe("rw_ddl_progress.progress", () => {
  it.each([
    ["42.5% (85/200)", "42.5%"],
    ["100%", "100.0%"],
    ["123456 rows consumed", "123,456 rows consumed"],
    ["Snapshot [1/3]", "Snapshot [1/3]"],
  ])("%s → %s", (raw, shown) => {
    expect(formatProgress(raw)).toBe(shown);
  });
});

describe("readers of an MV", () => {
  it("include what reads one of its indexes (2.7+ refuses that DROP) and objects the catalog hides", () => {
    const catalog = new CatalogSnapshot({
      schemas: ["s"],
      relations: [
        { id: 1, schema: "s", name: "mv", type: "materialized view" },
        { id: 2, schema: "s", name: "idx", type: "index" },
        { id: 3, schema: "s", name: "by_index", type: "materialized view" },
      ],
      depends: [
        { objid: 2, refobjid: 1 },
        { objid: 3, refobjid: 2 },
        { objid: 99, refobjid: 1 },
      ],
      indexes: [{ id: 2, schema: "s", name: "idx", onId: 1 }],
      creating: [],
    });
    expect(catalog.dependentsOf(1).map((reader) => [reader.name, reader.type])).toEqual([
      ["object #99", HIDDEN_TYPE],
      ["by_index", "materialized view"],
    ]);
  });
});
