import { z } from "zod";
import {
  parseBoolean,
  parseChoice,
  parseDatabaseUrl,
  parseDuration,
  parseVars,
  SettingsError,
} from "./parse.js";

export const MODES = ["deploy", "cleanup"] as const;
export const DRY_RUN_CHOICES = ["auto", "true", "false"] as const;
export const ZERO_DOWNTIME_CHOICES = ["model-config", "all"] as const;

/** Events on which `dry-run: auto` means a dry run: code from a pull request is never applied. */
const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

const identifierSchema = z
  .string()
  .min(1)
  .refine((value) => !value.includes("\0"), "must not contain NUL characters");

export const settingsSchema = z.object({
  mode: z.enum(MODES),
  dryRun: z.boolean(),
  databaseUrl: z.instanceof(URL).optional(),
  projectDir: z.string().min(1),
  targetSchema: identifierSchema,
  vars: z.record(z.string(), z.unknown()),
  models: z.string().optional(),
  baseRef: z.string().optional(),
  fullRefresh: z.boolean(),
  zeroDowntime: z.enum(ZERO_DOWNTIME_CHOICES),
  immediateCleanup: z.boolean(),
  rebuildDownstream: z.boolean(),
  backgroundDdl: z.boolean(),
  waitTimeoutMs: z.number().int().positive(),
  schema: identifierSchema.optional(),
  olderThanMs: z.number().int().nonnegative(),
  staleLockAfterMs: z.number().int().nonnegative(),
  comment: z.boolean(),
  githubToken: z.string().optional(),
});

/** Everything the action does is decided from this one object, built once from the inputs. */
export type Settings = z.infer<typeof settingsSchema>;

/** Reads one input by its action.yml name; returns "" when unset, like `core.getInput`. */
export type InputReader = (name: string) => string;

export interface SettingsContext {
  eventName: string;
}

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function withDefault(value: string, fallback: string): string {
  return value.trim() === "" ? fallback : value;
}

export function buildSettings(read: InputReader, context: SettingsContext): Settings {
  const dryRunChoice = parseChoice(
    "dry-run",
    withDefault(read("dry-run"), "auto"),
    DRY_RUN_CHOICES,
  );
  const databaseUrlText = optional(read("database-url"));
  const waitTimeoutMs = parseDuration("wait-timeout", withDefault(read("wait-timeout"), "2h"));
  if (waitTimeoutMs <= 0) throw new SettingsError("wait-timeout", "must be greater than zero.");

  const candidate = {
    mode: parseChoice("mode", withDefault(read("mode"), "deploy"), MODES),
    dryRun:
      dryRunChoice === "auto"
        ? PULL_REQUEST_EVENTS.includes(context.eventName)
        : dryRunChoice === "true",
    databaseUrl: databaseUrlText ? parseDatabaseUrl("database-url", databaseUrlText) : undefined,
    projectDir: withDefault(read("project-dir"), ".").trim(),
    targetSchema: withDefault(read("target-schema"), "public").trim(),
    vars: parseVars("vars", read("vars")),
    models: optional(read("models")),
    baseRef: optional(read("base-ref")),
    fullRefresh: parseBoolean("full-refresh", withDefault(read("full-refresh"), "false")),
    zeroDowntime: parseChoice(
      "zero-downtime",
      withDefault(read("zero-downtime"), "model-config"),
      ZERO_DOWNTIME_CHOICES,
    ),
    immediateCleanup: parseBoolean(
      "immediate-cleanup",
      withDefault(read("immediate-cleanup"), "false"),
    ),
    rebuildDownstream: parseBoolean(
      "rebuild-downstream",
      withDefault(read("rebuild-downstream"), "true"),
    ),
    backgroundDdl: parseBoolean("background-ddl", withDefault(read("background-ddl"), "true")),
    waitTimeoutMs,
    schema: optional(read("schema")),
    olderThanMs: parseDuration("older-than", withDefault(read("older-than"), "0")),
    staleLockAfterMs: parseDuration(
      "stale-lock-after",
      withDefault(read("stale-lock-after"), "6h"),
    ),
    comment: parseBoolean("comment", withDefault(read("comment"), "true")),
    githubToken: optional(read("github-token")),
  };

  const result = settingsSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? "input");
    throw new SettingsError(toInputName(field), issue?.message ?? "is invalid.");
  }
  return result.data;
}

function toInputName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`).replace(/-ms$/, "");
}

/** The secrets a settings object carries, in every spelling a log line might contain them. */
export function secretsOf(settings: Pick<Settings, "databaseUrl" | "githubToken">): string[] {
  const secrets: string[] = [];
  const url = settings.databaseUrl;
  if (url) {
    secrets.push(url.href);
    if (url.password) {
      secrets.push(url.password, decodeURIComponent(url.password));
    }
  }
  if (settings.githubToken) secrets.push(settings.githubToken);
  return [...new Set(secrets.filter((secret) => secret.length > 0))];
}
