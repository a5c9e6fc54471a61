import { SettingsError } from "./parse.js";

/**
 * Events whose code is already on a branch the repository chose to deploy from: a push, a run
 * started by hand, a schedule. Every other event (all `pull_request*` kinds, `merge_group`,
 * `issue_comment`, events not known yet) can carry code nobody has merged.
 */
const APPLY_EVENTS = ["push", "workflow_dispatch", "schedule"];

/** The command line is run by hand against a database its user chose. */
export const CLI_EVENT = "cli";

export type DryRunChoice = "auto" | "true" | "false";

/** `dry-run: auto` applies only where the code is merged; `false` elsewhere only when allowed on purpose. */
export function resolveDryRun(
  choice: DryRunChoice,
  eventName: string,
  allowUnmergedDeploy: boolean,
): boolean {
  const merged = APPLY_EVENTS.includes(eventName) || eventName === CLI_EVENT;
  if (choice === "auto") return !merged;
  if (choice === "true") return true;
  if (!merged && !allowUnmergedDeploy) {
    throw new SettingsError(
      "dry-run",
      `is false on a \`${eventName || "unknown"}\` event, whose code may not be merged: only push, ` +
        "workflow_dispatch and schedule runs write to the database. Use `dry-run: auto`, or set " +
        "`allow-unmerged-deploy: true` to let this event's run write on purpose.",
    );
  }
  return false;
}
