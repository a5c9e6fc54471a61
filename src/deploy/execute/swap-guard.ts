import type { RisingWaveSession } from "../../risingwave/session.js";
import type { DeployedType } from "../../plan/types.js";
import { displayName, type QualifiedName } from "../../sql/quote.js";

/** The SWAP would replace something other than what the plan was made for. */
export class SwapRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SwapRefused";
  }
}

/**
 * Issue 11 item 8: right before the cut-over, the live name still has the id the plan replaces
 * and the other name the id of the version to swap in (for a deploy, the MV this run built).
 * Anything else means another deploy or a colleague got in between: stop without swapping.
 */
export async function checkIds(
  session: RisingWaveSession,
  unit: {
    target: QualifiedName;
    targetId?: number;
    temp: QualifiedName;
    tempId?: number;
    type: DeployedType;
  },
): Promise<void> {
  const { target, temp } = unit;
  const live = await session.idOfType(target, unit.type);
  if (live !== unit.targetId) {
    throw new SwapRefused(
      `${displayName(target)} changed since the plan (id ${unit.targetId} then, ` +
        `${live === undefined ? "gone" : `id ${live}`} now): another deploy or a colleague replaced it, so it was not swapped`,
    );
  }
  const now = await session.idOfType(temp, unit.type);
  if (unit.tempId === undefined || now !== unit.tempId) {
    throw new SwapRefused(
      `${displayName(temp)} is not the MV expected (id ${unit.tempId ?? "unknown"} expected, ` +
        `${now === undefined ? "gone" : `id ${now}`} now), so it was not swapped in`,
    );
  }
}

/** This run still holds the deploy lock; checked once right before the cut-over. */
export async function checkStillLocked(stillLocked: (() => Promise<boolean>) | undefined) {
  if (stillLocked && !(await stillLocked())) {
    throw new SwapRefused(
      "this run no longer holds the deploy lock (another run released it as stale), so it stopped before the swap",
    );
  }
}
