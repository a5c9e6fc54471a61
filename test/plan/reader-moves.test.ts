import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build-plan.js";
import type { Evidence } from "../../src/plan/evidence.js";
import type { SinkFacts } from "../../src/risingwave/reader-facts.js";
import { catalog, defaultPlanOptions, model, mv, planNow, project } from "./fixtures.js";

const now = planNow;
const options = defaultPlanOptions;

/** `orders` (id 1) changes; a sink (id 4) and a subscription (id 5) read it. */
function planWith(sink: Partial<SinkFacts> | undefined, replaceSink = false) {
  const evidence: Evidence = {
    definitions: new Map(),
    described: new Map(),
    sinks: new Map(
      sink
        ? [
            [
              4,
              {
                id: 4,
                sinkType: "upsert",
                source: "relation",
                intoTable: false,
                format: false,
                ...sink,
              },
            ],
          ]
        : [],
    ),
    subscriptions: new Map([[5, { id: 5, retention: "'7D'" }]]),
    replaceSink,
  };
  const plan = buildPlan({
    project: project(model("orders", "select 1 as id")),
    requests: [{ model: "orders", reason: "definition changed" }],
    catalog: catalog({
      relations: [
        mv(1, "orders"),
        { id: 4, name: "to_kafka", schema: "analytics", type: "sink" },
        { id: 5, name: "orders_sub", schema: "analytics", type: "subscription" },
        // The name the move would take is taken: the next one is used.
        mv(6, "to_kafka_moved"),
      ],
      depends: [
        { objid: 4, refobjid: 1 },
        { objid: 5, refobjid: 1 },
      ],
    }),
    options,
    now,
    evidence,
  });
  const entry = plan.models[0]!;
  const temp = `"analytics"."${entry.temp?.identifier}"`;
  const moves = entry.readerMoves ?? [];
  return { temp, sink: moves.find((m) => m.reader.type === "sink")!, moves };
}

describe("cut-over plans for sinks and subscriptions", () => {
  it("a sink FROM the MV: a second sink without snapshot, swapped in, then the drops", () => {
    const { temp, sink, moves } = planWith({});
    expect(moves.map((move) => move.reader.name)).toEqual(["to_kafka", "orders_sub"]);
    expect(sink.statements).toEqual([
      `CREATE SINK "analytics"."to_kafka_moved_2" FROM "analytics"."orders"\n  WITH (<the WITH options of "analytics"."to_kafka">, snapshot = 'false')`,
      `ALTER SINK "analytics"."to_kafka" SWAP WITH "analytics"."to_kafka_moved_2"`,
      `DROP SINK "analytics"."to_kafka_moved_2"`,
      `DROP MATERIALIZED VIEW IF EXISTS ${temp}`,
    ]);
    expect(sink.effect.join(" ")).toContain("upsert sink");
    expect(sink.alternative).toBeUndefined();
    expect(moves[1]?.statements[0]).toBe(
      `CREATE SUBSCRIPTION "analytics"."orders_sub_moved" FROM "analytics"."orders" WITH (retention = '7D')`,
    );
  });

  it("keeps the sink's own shape: AS query, INTO a table, FORMAT, and says what append-only means", () => {
    const { sink } = planWith({
      source: "query",
      intoTable: true,
      format: true,
      sinkType: "append-only",
    });
    expect(sink.statements[0]).toBe(
      `CREATE SINK "analytics"."to_kafka_moved_2" INTO <the table "analytics"."to_kafka" writes into> AS <the query of "analytics"."to_kafka", reading "analytics"."orders" where it reads ${sink.statements[3]?.replace("DROP MATERIALIZED VIEW IF EXISTS ", "")}>\n  WITH (<the WITH options of "analytics"."to_kafka">, snapshot = 'false')\n  <the FORMAT … ENCODE … clause of "analytics"."to_kafka", if it has one>`,
    );
    expect(sink.effect.join(" ")).toContain(
      "it is append-only, so the destination receives those events twice",
    );
  });

  it("offers REPLACE SINK on 3.1+ only for a plain sink FROM the MV", () => {
    expect(planWith({}, true).sink.alternative?.statements[0]).toBe(
      `REPLACE SINK "analytics"."to_kafka" FROM "analytics"."orders"\n  WITH (<the WITH options of "analytics"."to_kafka">)`,
    );
    expect(planWith({ intoTable: true }, true).sink.alternative).toBeUndefined();
    expect(planWith({ source: "query" }, true).sink.alternative).toBeUndefined();
    expect(planWith({ connector: "iceberg" }, true).sink.alternative).toBeUndefined();
    // Without evidence (offline), nothing is assumed: no REPLACE SINK, every clause a placeholder.
    const offline = planWith(undefined, true).sink;
    expect(offline.alternative).toBeUndefined();
    expect(offline.statements[0]).toContain("<the FORMAT … ENCODE … clause");
  });
});
