import { describe, expect, it } from "vitest";
import {
  connectorName,
  sinkShape,
  sinkTypeOf,
  subscriptionRetention,
} from "../../src/risingwave/reader-facts.js";

const SECRET = "hunter2-Sup3rSecret";

describe("what a cut-over plan reads of a sink or subscription", () => {
  it("tells FROM, AS, INTO and FORMAT apart, and keeps nothing of the options", () => {
    const from = sinkShape(
      `CREATE SINK "a"."s" FROM "a"."mv" WITH (connector = 'jdbc', password = '${SECRET}') FORMAT PLAIN ENCODE JSON (force_append_only = 'true')`,
    );
    expect(from).toEqual({ source: "relation", intoTable: false, format: true });
    expect(JSON.stringify(from)).not.toContain(SECRET);
    expect(
      sinkShape(`CREATE SINK IF NOT EXISTS s AS SELECT a, (b) FROM mv WITH (connector = 'kafka')`),
    ).toEqual({ source: "query", intoTable: false, format: false });
    expect(sinkShape("CREATE SINK s INTO t (a, b) FROM mv")).toEqual({
      source: "relation",
      intoTable: true,
      format: false,
    });
    // A FORMAT inside the options or the query is not the sink's clause.
    expect(sinkShape("CREATE SINK s AS SELECT format FROM mv WITH (x = 'format')").format).toBe(
      false,
    );
    expect(sinkShape(`CREATE SOURCE s WITH (password = '${SECRET}')`)).toEqual({
      source: "unknown",
      intoTable: false,
      format: false,
    });
  });

  it("reads the sink type in either spelling, and only plain names and retentions", () => {
    expect(sinkTypeOf("SINK_TYPE_UPSERT")).toBe("upsert");
    expect(sinkTypeOf("APPEND_ONLY")).toBe("append-only");
    expect(sinkTypeOf("SINK_TYPE_FORCE_APPEND_ONLY")).toBe("force-append-only");
    expect(sinkTypeOf(null)).toBe("unknown");
    expect(connectorName("KAFKA")).toBe("kafka");
    expect(connectorName(`x' password='${SECRET}`)).toBeUndefined();
    expect(subscriptionRetention("CREATE SUBSCRIPTION s FROM mv WITH (retention = '1D')")).toBe(
      "'1D'",
    );
    expect(subscriptionRetention("CREATE SUBSCRIPTION s FROM mv WITH (retention = 3600)")).toBe(
      "'3600'",
    );
    expect(
      subscriptionRetention("CREATE SUBSCRIPTION s FROM mv WITH (retention = '1D''); DROP x')"),
    ).toBeUndefined();
  });
});
