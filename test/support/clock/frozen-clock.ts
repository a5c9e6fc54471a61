import { fileURLToPath } from "node:url";

/** Environment that freezes the action's clock at `at` (see frozen-clock.mjs). */
export function frozenClockEnv(at: Date): Record<string, string> {
  const module = fileURLToPath(new URL("./frozen-clock.mjs", import.meta.url));
  return { NODE_OPTIONS: `--import=${module}`, FROZEN_TIME: at.toISOString() };
}
