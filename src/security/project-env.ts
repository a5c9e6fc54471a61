/**
 * Which environment variables a dbt project's `env_var()` may read. The project is code from the
 * pull request, and the runner's environment holds the action's inputs (the database URL), the
 * workflow token and the runner's own credentials, so this is an allow-list: the `DBT_*`
 * variables dbt projects conventionally read, plus the names the `env-vars` input lists.
 * Nothing that names a credential is ever readable, whatever the input says.
 */

/** Readable without being listed, as in dbt projects: `DBT_TARGET`, `DBT_SCHEMA_SUFFIX`, … */
const DEFAULT_PREFIX = "DBT_";

/** dbt keeps these for profiles.yml and packages.yml only (dbt-core SECRET_ENV_PREFIX). */
export const DBT_SECRET_PREFIX = "DBT_ENV_SECRET_";

const RUNNER_PREFIXES: Array<[string, string]> = [
  ["INPUT_", "the action's own inputs, the database URL and the token among them"],
  ["ACTIONS_", "the runner's tokens and service URLs"],
  ["RUNNER_", "the runner's own settings"],
  ["PG", "libpq's connection settings, the password among them"],
];

const RUNNER_NAMES = new Set(["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"]);

/** Name parts that mark a credential: `KAFKA_PASSWORD`, `DBT_API_KEY`, `SNOWFLAKE_TOKEN`, … */
const CREDENTIAL_PARTS = new Set([
  "PASSWORD",
  "PASSWD",
  "PASS",
  "PWD",
  "SECRET",
  "SECRETS",
  "TOKEN",
  "KEY",
  "APIKEY",
  "CREDENTIAL",
  "CREDENTIALS",
  "AUTH",
  "PRIVATE",
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*\*?$/;

/** Why a variable (or a `PREFIX*` pattern) can never be made readable; undefined when it can. */
export function neverReadable(name: string): string | undefined {
  const upper = name.toUpperCase().replace(/\*$/, "");
  for (const [prefix, what] of RUNNER_PREFIXES) {
    if (upper.startsWith(prefix)) return `${prefix}* variables are ${what}`;
  }
  if (RUNNER_NAMES.has(upper)) return `${upper} is the workflow's GitHub token`;
  if (upper.split("_").some((part) => CREDENTIAL_PARTS.has(part))) {
    return `${name} names a credential (dbt keeps secrets in profiles.yml; RisingWave has CREATE SECRET)`;
  }
  return undefined;
}

/** A problem with one entry of the `env-vars` input, or undefined when it is fine. */
export function envVarEntryProblem(entry: string): string | undefined {
  if (!NAME.test(entry)) {
    return `"${entry}" is not a variable name (letters, digits, _, - and ., optionally ending in *)`;
  }
  const reason = neverReadable(entry);
  return reason ? `${entry} can never be readable: ${reason}` : undefined;
}

function listed(name: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) =>
    entry.endsWith("*") ? name.startsWith(entry.slice(0, -1)) : name === entry,
  );
}

/**
 * The environment the project is rendered with: the readable variables of `env` with their values,
 * and every other variable that is set present without a value, so that `env_var()` can say it
 * is unreadable instead of quietly using a default.
 */
export function projectEnvironment(
  env: Record<string, string | undefined>,
  allowed: readonly string[],
): Record<string, string | undefined> {
  const visible: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const readable =
      !neverReadable(name) && (name.startsWith(DEFAULT_PREFIX) || listed(name, allowed));
    visible[name] = readable ? value : undefined;
  }
  return visible;
}
