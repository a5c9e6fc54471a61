import type { CatalogRelation } from "../risingwave/catalog.js";
import type { PermittedDrop, PlannedModel } from "./types.js";

/**
 * DESIGN 2.5: only an object whose id this run created, or the one object a plan says it
 * replaces, may be dropped by this run, and only while its name still has that id. Decided here
 * from the plan; the executor checks the id right before each DROP.
 */
export function permittedDrops(
  entry: PlannedModel,
  existing: CatalogRelation | undefined,
): PermittedDrop[] {
  const drops: PermittedDrop[] = [];
  if (entry.action === "zero-downtime" && entry.temp) {
    drops.push({
      relation: entry.temp,
      when: "the new version this run built, if the deploy fails before the swap",
    });
    if (entry.immediateCleanup && existing) {
      drops.push({
        relation: entry.temp,
        id: existing.id,
        when: "the previous version, after the swap, if nothing reads it (immediate cleanup)",
      });
    }
  }
  if (entry.action === "full-refresh" && existing) {
    drops.push({
      relation: entry.target,
      id: existing.id,
      when: "the live MV, dropped for the full refresh once every definition was validated",
    });
  }
  if (entry.action === "create" || entry.action === "full-refresh") {
    drops.push({
      relation: entry.target,
      when: "the MV this run created, if its backfill failed or did not finish in time",
    });
  }
  return drops;
}
