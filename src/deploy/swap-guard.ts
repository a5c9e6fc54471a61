import { deployedType } from "../plan/relation-type.js";
import type { PlannedModel } from "../plan/types.js";
import type { RisingWaveSession } from "../risingwave/session.js";
import { displayName } from "../sql/quote.js";
import type { CreatedObjects } from "./created-objects.js";

/** The SWAP would replace something other than what the plan was made for. */
export class SwapRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SwapRefused";
  }
}

/**
 * Issue 11 item 8: right before each SWAP, the live name still has the id the plan replaces, the
 * temporary name has the id this run created, and this run still holds the deploy lock. Anything
 * else means another deploy or a colleague got in between: stop without swapping.
 */
export async function checkBeforeSwap(
  session: RisingWaveSession,
  entry: PlannedModel,
  created: CreatedObjects,
  stillLocked: (() => Promise<boolean>) | undefined,
): Promise<void> {
  const temp = entry.temp;
  if (!temp) return;
  const target = entry.target;
  const type = deployedType(entry);
  const live = await session.idOfType(target, type);
  if (live !== entry.targetId) {
    throw new SwapRefused(
      `${displayName(target)} changed since the plan (id ${entry.targetId} then, ` +
        `${live === undefined ? "gone" : `id ${live}`} now): another deploy or a colleague replaced it, so it was not swapped`,
    );
  }
  const ours = created.idOf(temp);
  const now = await session.idOfType(temp, type);
  if (ours === undefined || now !== ours) {
    throw new SwapRefused(
      `${displayName(temp)} is not the MV this run built (id ${ours ?? "unknown"} built, ` +
        `${now === undefined ? "gone" : `id ${now}`} now), so it was not swapped in`,
    );
  }
  if (stillLocked && !(await stillLocked())) {
    throw new SwapRefused(
      "this run no longer holds the deploy lock (another run released it as stale), so it stopped before the swap",
    );
  }
}
