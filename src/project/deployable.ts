import type { ModelNode } from "./types.js";

/** What this action deploys: materialized views, and views (rebuilt beside the live one, issue 12). */
export function isDeployable(model: ModelNode): boolean {
  return model.isMaterializedView || model.config.materialized === "view";
}
