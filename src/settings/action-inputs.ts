import * as core from "@actions/core";
import * as github from "@actions/github";
import { buildSettings, secretsOf, type Settings } from "./settings.js";

/**
 * Secrets as typed by the user, masked before anything is validated so that even an error
 * about a malformed `database-url` cannot echo the password into the log.
 */
function rawSecrets(): string[] {
  const secrets: string[] = [];
  const rawUrl = core.getInput("database-url");
  if (rawUrl !== "") {
    secrets.push(rawUrl);
    const password = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(rawUrl)?.[1];
    if (password) secrets.push(password, safeDecode(password));
  }
  if (process.env.PGPASSWORD) secrets.push(process.env.PGPASSWORD);
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function readActionSettings(): Settings {
  const masked = new Set<string>();
  const mask = (secrets: string[]): void => {
    for (const secret of secrets) {
      if (secret === "" || masked.has(secret)) continue;
      masked.add(secret);
      core.setSecret(secret);
    }
  };
  mask(rawSecrets());
  const settings = buildSettings((name) => core.getInput(name), {
    eventName: github.context.eventName,
  });
  mask(secretsOf(settings));
  return settings;
}
