import { text as markdownText } from "../report/escape.js";
import { DBT_SECRET_PREFIX } from "./project-env.js";

/**
 * The values that must never leave the process in the clear, and the one function that takes
 * them out of text on its way out: log lines and annotations, outputs, the job summary, the pull
 * request comment and every request sent to GitHub. A secret can reach those through any path
 * (rendered SQL, a database error, a URL in a message), so text is redacted where it leaves,
 * not where it is made.
 */
export class SecretRegistry {
  private readonly spellings = new Set<string>();
  /** Longest first, so a secret is never left half-replaced by a shorter one inside it. */
  private ordered: string[] = [];
  /**
   * Any spelling at all: one scan of a text that holds none (nearly every text, among them the
   * megabytes of the `plan` output) instead of one per spelling.
   */
  private any: RegExp | undefined;

  /** Registers a value in every spelling it takes on the way out. */
  register(value: string): void {
    if (value === "") return;
    for (const spelling of spellingsOf(value)) this.spellings.add(spelling);
    this.ordered = [...this.spellings].sort((a, b) => b.length - a.length);
    this.any = new RegExp(this.ordered.map(literalPattern).join("|"));
  }

  has(value: string): boolean {
    return this.spellings.has(value);
  }

  redact(text: string): string {
    if (!this.any?.test(text)) return text;
    let out = text;
    for (const secret of this.ordered)
      if (out.includes(secret)) out = out.split(secret).join("***");
    return out;
  }
}

/** A pattern that matches `text` and nothing else. */
function literalPattern(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

/**
 * As written; percent-encoded as in a URL; escaped as in a JSON string (the `plan` output), an SQL
 * literal, HTML, Markdown text as the reports write it (`ghs_…` becomes `ghs\_…`), and the data
 * and properties of a workflow command (@actions/core escapeData and escapeProperty).
 */
function spellingsOf(value: string): string[] {
  const commandData = value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const commandProperty = commandData.replace(/:/g, "%3A").replace(/,/g, "%2C");
  const html = value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
  return [
    value,
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    value.replace(/'/g, "''"),
    html,
    markdownText(value),
    commandData,
    commandProperty,
  ];
}

/** The process's registry: the action and the CLI register into it and redact through it. */
export const secrets = new SecretRegistry();

/** Shorthand for `secrets.redact`, for the places text leaves the process. */
export function redact(text: string): string {
  return secrets.redact(text);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A database URL's secrets, from its raw text even when it does not parse (an error about it must
 * not echo the password): the whole text, the URL as normalised, and the password of the user
 * part and of a `password=` parameter, both as written and decoded.
 */
export function databaseUrlSecrets(raw: string): string[] {
  const text = raw.trim();
  if (text === "") return [];
  const found = [raw, text];
  const userPassword = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(text)?.[1];
  if (userPassword) found.push(userPassword, decoded(userPassword));
  for (const match of text.matchAll(/[?&]password=([^&#]*)/gi)) {
    const value = match[1] as string;
    found.push(value, decoded(value.replace(/\+/g, " ")));
  }
  try {
    const url = new URL(text);
    found.push(url.href);
    if (url.password) found.push(url.password, decoded(url.password));
    const parameter = url.searchParams.get("password");
    if (parameter) found.push(parameter);
  } catch {
    // Not a URL: the raw spellings above are all there is.
  }
  return [...new Set(found.filter((value) => value !== ""))];
}

/** Secrets the runner's environment holds: libpq's password, GitHub's tokens, dbt's secrets. */
export function environmentSecrets(env: Record<string, string | undefined>): string[] {
  const names = Object.keys(env).filter(
    (name) =>
      [
        "PGPASSWORD",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      ].includes(name) || name.startsWith(DBT_SECRET_PREFIX),
  );
  return names.map((name) => env[name] ?? "").filter((value) => value !== "");
}
