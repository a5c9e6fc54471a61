import type { Logger } from "../../log/logger.js";
import { deployedType } from "../../plan/relation-type.js";
import type { Plan, PlannedModel } from "../../plan/types.js";
import { errorText } from "../../risingwave/errors.js";
import type { RisingWaveSession } from "../../risingwave/session.js";
import { displayName } from "../../sql/quote.js";
import type { ModelOutcome } from "../outcome.js";
import { dropIfPermitted, type CreatedObjects } from "./created-objects.js";

export interface RefreshDrops {
  /** Models whose live MV this run dropped: they are created again whatever happens next. */
  dropped: Set<string>;
  /** The drop that failed or was refused; no further MV was dropped after it. */
  failure?: ModelOutcome;
}

/**
 * Full refresh drops leaf-first before anything is created root-first; the plan already refused
 * any drop that something outside the refreshed set depends on, and every definition of the set
 * was validated before this point.
 */
export async function dropForRefresh(
  plan: Plan,
  session: RisingWaveSession,
  created: CreatedObjects,
  logger: Logger,
): Promise<RefreshDrops> {
  const drops = plan.models.flatMap((entry) =>
    entry.steps.filter((step) => step.kind === "drop-for-refresh").map((step) => ({ entry, step })),
  );
  const dropped = new Set<string>();
  const failed = (entry: PlannedModel, error: string, note: string): RefreshDrops => ({
    dropped,
    failure: {
      model: entry.model,
      file: entry.file,
      action: entry.action,
      status: "failed",
      error,
      note,
    },
  });
  for (const { entry, step } of drops.reverse()) {
    try {
      const result = await dropIfPermitted(
        session,
        step.relation,
        created.permittedIds(entry, step.relation),
        logger,
        deployedType(entry),
      );
      if (result === "refused") {
        return failed(
          entry,
          `${displayName(step.relation)} changed since the plan (another deploy or a colleague replaced it)`,
          "it was not dropped; no further MV was dropped",
        );
      }
      dropped.add(entry.model);
    } catch (error) {
      return failed(
        entry,
        errorText(error),
        "it was not dropped and is unchanged; no further MV was dropped",
      );
    }
  }
  return { dropped };
}
