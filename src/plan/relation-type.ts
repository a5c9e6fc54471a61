import type { QualifiedName } from "../sql/quote.js";
import { dropMaterializedView, swapMaterializedViews } from "./ddl.js";
import type { DeployedType, PlannedModel } from "./types.js";
import { dropView, swapViews } from "./view-ddl.js";

export function deployedType(entry: Pick<PlannedModel, "relationType">): DeployedType {
  return entry.relationType ?? "materialized view";
}

/** The DROP for what a plan deployed: `DROP VIEW` for a view, never MV syntax on a view. */
export function dropStatement(relation: QualifiedName, type: DeployedType): string {
  return type === "view" ? dropView(relation) : dropMaterializedView(relation);
}

/** The SWAP for what a plan deployed (also a rollback's, with the names the other way round). */
export function swapStatement(
  target: QualifiedName,
  other: QualifiedName,
  type: DeployedType,
): string {
  return type === "view" ? swapViews(target, other) : swapMaterializedViews(target, other);
}
