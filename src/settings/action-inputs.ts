import * as core from "@actions/core";
import * as github from "@actions/github";
import { databaseUrlSecrets, environmentSecrets, secrets } from "../security/secrets.js";
import { buildSettings, secretsOf, type Settings } from "./settings.js";

/**
 * Secrets are registered before anything is validated, so that even an error about a malformed
 * `database-url` cannot echo the password: each goes to the runner's log masking
 * (`::add-mask::`) first, then to the registry that redacts everything leaving the process.
 */
export function readActionSettings(): Settings {
  const mask = (values: string[]): void => {
    for (const value of values) {
      if (value === "" || secrets.has(value)) continue;
      core.setSecret(value);
      secrets.register(value);
    }
  };
  mask([
    ...databaseUrlSecrets(core.getInput("database-url")),
    core.getInput("github-token"),
    ...environmentSecrets(process.env),
  ]);
  const settings = buildSettings((name) => core.getInput(name), {
    eventName: github.context.eventName,
  });
  mask(secretsOf(settings));
  return settings;
}
