import * as core from "@actions/core";
import { readActionSettings } from "./settings/action-inputs.js";

export async function run(): Promise<void> {
  try {
    const settings = readActionSettings();
    core.info(
      `Mode: ${settings.mode}${settings.dryRun ? " (dry run: no DDL will be issued)" : ""}`,
    );
    throw new Error(`mode "${settings.mode}" is not implemented yet.`);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
