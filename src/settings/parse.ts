import { ProjectError } from "../project/errors.js";
import { parseYamlFile } from "../project/files/yaml.js";

/** A problem with one named input; the message always names the input so users know what to fix. */
export class SettingsError extends Error {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`Input \`${input}\` ${detail}`);
    this.name = "SettingsError";
  }
}

const TRUE_WORDS = ["true", "True", "TRUE"];
const FALSE_WORDS = ["false", "False", "FALSE"];

/** YAML 1.2 core-schema booleans, as the Actions toolkit's getBooleanInput accepts them. */
export function parseBoolean(input: string, raw: string): boolean {
  const value = raw.trim();
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new SettingsError(input, `must be true or false (got "${raw}").`);
}

export function parseChoice<T extends string>(
  input: string,
  raw: string,
  allowed: readonly T[],
): T {
  const value = raw.trim();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(input, `must be one of: ${allowed.join(", ")} (got "${raw}").`);
}

/** A whole number of at least `min`, written in decimal digits. */
export function parseCount(input: string, raw: string, min: number): number {
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new SettingsError(input, `must be a whole number of at least ${min} (got "${raw}").`);
  }
  return Number(value);
}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Durations such as `90s`, `30m`, `24h`, `7d`; a bare number means seconds; `0` means no limit or no age. */
export function parseDuration(input: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(raw.trim());
  if (!match) {
    throw new SettingsError(
      input,
      `must be a duration such as 90s, 30m, 24h or 7d (got "${raw}").`,
    );
  }
  const amount = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(amount * (DURATION_UNITS_MS[unit] ?? 1_000));
}

/**
 * `vars` is a YAML (or JSON) mapping, read as `dbt --vars` reads it: PyYAML's safe_load, so `yes`
 * is true and `010` is 8, as in dbt_project.yml. A key given twice keeps its last value, silently,
 * as in PyYAML.
 */
export function parseVars(input: string, raw: string): Record<string, unknown> {
  if (raw.trim() === "") return {};
  let value: unknown;
  try {
    value = parseYamlFile(raw, `the ${input} input`).value;
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    const reason = error.problem.replace(/^invalid YAML: /, "");
    const line = error.line === undefined ? "" : ` (line ${error.line})`;
    throw new SettingsError(input, `is not valid YAML: ${reason}${line}.`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new SettingsError(input, "must be a YAML mapping such as `{start_date: '2024-01-01'}`.");
  }
  return value as Record<string, unknown>;
}

/** libpq's sslmode values (node-postgres also takes no-verify). */
const SSL_MODES = [
  "disable",
  "allow",
  "prefer",
  "require",
  "verify-ca",
  "verify-full",
  "no-verify",
];

/**
 * Accepts only postgres:// and postgresql:// URLs. The message never repeats the URL itself,
 * since a malformed URL may still carry a password.
 */
export function parseDatabaseUrl(input: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new SettingsError(
      input,
      "is not a valid URL. Expected postgres://user:password@host:4566/dev (value not shown).",
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new SettingsError(
      input,
      `must be a postgres:// or postgresql:// URL (got a ${url.protocol.replace(/:$/, "")}:// URL; value not shown).`,
    );
  }
  if (url.hostname === "") {
    throw new SettingsError(input, "has no host. Expected postgres://user:password@host:4566/dev.");
  }
  const sslmode = url.searchParams.get("sslmode");
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) {
    throw new SettingsError(
      input,
      `has sslmode=${sslmode.slice(0, 20)}, which is not an sslmode: use one of ${SSL_MODES.join(", ")} (the rest of the URL is not shown).`,
    );
  }
  return url;
}
