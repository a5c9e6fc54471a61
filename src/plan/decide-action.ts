import type { ModelNode } from "../project/types.js";
import type { CatalogRelation } from "../risingwave/catalog.js";
import type { PlanAction } from "./types.js";

export interface ActionOptions {
  fullRefresh: boolean;
  zeroDowntime: "model-config" | "all";
}

export interface Decision {
  action: PlanAction;
  reason: string;
  warning?: string;
}

/**
 * DESIGN 2.2: a zero-downtime rebuild needs an existing MV, no full refresh, and zero_downtime on.
 * A change of only indexes, grants or comments (`metadataOnly`) rebuilds nothing: it is applied
 * in place whatever zero_downtime says. A model whose config says `full_refresh: false` is never
 * dropped by the full-refresh input (dbt's should_full_refresh).
 */
export function decideAction(
  model: ModelNode,
  existing: CatalogRelation | undefined,
  why: string,
  options: ActionOptions,
  metadataOnly = false,
): Decision {
  if (!model.isMaterializedView) {
    return {
      action: "skip",
      reason: `materialized='${model.config.materialized}' is not a materialized view (out of scope)`,
    };
  }
  if (!existing) return { action: "create", reason: why };
  const protectedFromRefresh = options.fullRefresh && model.config.fullRefresh === false;
  if (options.fullRefresh && !protectedFromRefresh) {
    return { action: "full-refresh", reason: `${why}; full refresh requested` };
  }
  const protection = protectedFromRefresh
    ? "; full_refresh: false in its config, so the full-refresh input does not drop it"
    : "";
  if (metadataOnly) {
    return {
      action: "in-place",
      reason: `${why}; only indexes, grants or comments changed, applied in place with no rebuild${protection}`,
    };
  }
  if (protectedFromRefresh) {
    const decision = decideAction(model, existing, why, { ...options, fullRefresh: false });
    return { ...decision, reason: `${decision.reason}${protection}` };
  }
  if (model.config.materialized !== "materialized_view") {
    return {
      action: "skip",
      reason: `deprecated materialization '${model.config.materialized}'`,
      warning:
        `${model.name}: ${why}, but the deprecated '${model.config.materialized}' materialization gets no ` +
        "zero-downtime rebuild. Change it to materialized='materialized_view', or deploy with full-refresh: true.",
    };
  }
  if (options.zeroDowntime === "all" || model.config.zeroDowntime.enabled) {
    return { action: "zero-downtime", reason: why };
  }
  const what =
    why === "new model"
      ? `new in this change, but ${model.relation.schema}.${model.relation.identifier} already exists ` +
        "(made by an earlier run that was cut off, by dbt or by hand), and zero_downtime is not " +
        "enabled, so its definition was left as it is"
      : `${why}, but zero_downtime is not enabled, so the new definition was not applied`;
  return {
    action: "skip",
    reason: "zero_downtime not enabled",
    warning:
      `${model.name}: ${what} (RisingWave cannot alter an MV's query). Enable it with ` +
      "zero_downtime={'enabled': true} in the model's config (or the zero-downtime: all input), or " +
      "deploy with full-refresh: true.",
  };
}
