import type { BackfillEdge, ModelNode } from "../project/types.js";
import type { QualifiedName } from "../sql/quote.js";
import type { PlannedModel } from "./types.js";

/** An upstream this plan rebuilds beside production: its live relation and its temporary MV. */
interface StagedUpstream {
  live: QualifiedName;
  temp: QualifiedName;
}

/**
 * Issue 12 item 1: every temporary MV is built before any SWAP, so a model that reads another
 * model this plan rebuilds beside production is built on that model's temporary MV. RisingWave
 * keeps a dependency on the object id, not the name (a SWAP exchanges names only: alter_swap_rename.rs
 * and the meta catalog's swap), so after the cut-over the new version reads the new upstream under
 * its real name. The model is returned unchanged when it reads no such model.
 */
export function onStagedUpstreams(model: ModelNode, rebuilt: Map<string, PlannedModel>): ModelNode {
  const staged = new Map(
    model.refs.flatMap((ref) => {
      const planned = rebuilt.get(ref);
      return planned?.temp ? [[ref, { live: planned.target, temp: planned.temp }] as const] : [];
    }),
  );
  if (staged.size === 0) return model;
  const sql = model.sqlReading(new Map([...staged].map(([ref, { temp }]) => [ref, temp])));
  const backfillOrder = model.config.backfillOrder;
  if (!backfillOrder) return { ...model, sql };
  return {
    ...model,
    sql,
    config: {
      ...model.config,
      backfillOrder: backfillOrderReading(backfillOrder, [...staged.values()]),
    },
  };
}

/**
 * `backfill_order` of a model built on temporary MVs: an edge that names an upstream's live
 * relation names its temporary MV instead, the relation the staged CREATE scans. RisingWave 2.7+
 * refuses an edge naming a relation the query does not scan ("Table or source … specified in
 * backfill_order is not used in the query": plan_fixed_strategy,
 * src/frontend/src/optimizer/backfill_order_strategy.rs @v2.7.0); before 2.7 the order would not
 * apply to the staged backfill. A one-part name is taken as public's: the action's sessions keep
 * RisingWave's default search_path (`"$user", public`).
 */
export function backfillOrderReading(
  edges: BackfillEdge[],
  staged: StagedUpstream[],
): BackfillEdge[] {
  const reading = (parts: string[]): string[] => {
    const [schema, identifier] = parts.length === 1 ? ["public", parts[0]] : parts.slice(-2);
    const upstream = staged.find(
      ({ live }) => live.schema === schema && live.identifier === identifier,
    );
    if (!upstream) return parts;
    // A three-part name keeps its database.
    return [...parts.slice(0, -2), upstream.temp.schema, upstream.temp.identifier];
  };
  return edges.map((edge) => ({ from: reading(edge.from), to: reading(edge.to) }));
}
