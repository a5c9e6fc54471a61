import { z } from "zod";
import { envVarEntryProblem } from "../security/project-env.js";
import { unquotableName } from "../sql/quote.js";
import { databaseUrlSecrets } from "../security/secrets.js";
import { resolveDryRun } from "./dry-run.js";
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

const identifierSchema = z.string().superRefine((value, context) => {
  const problem = unquotableName(value);
  if (problem) context.addIssue({ code: "custom", message: `cannot be used: ${problem}` });
});

export const settingsSchema = z.object({
  mode: z.enum(MODES),
  dryRun: z.boolean(),
  allowUnmergedDeploy: z.boolean(),
  databaseUrl: z.instanceof(URL).optional(),
  projectDir: z.string().min(1),
  targetSchema: identifierSchema,
  vars: z.record(z.string(), z.unknown()),
  envVars: z.array(z.string()),
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
  environment: z.string().optional(),
  commentAuthor: z.string().optional(),
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

  const allowUnmergedDeploy = parseBoolean(
    "allow-unmerged-deploy",
    withDefault(read("allow-unmerged-deploy"), "false"),
  );

  const candidate = {
    mode: parseChoice("mode", withDefault(read("mode"), "deploy"), MODES),
    dryRun: resolveDryRun(dryRunChoice, context.eventName, allowUnmergedDeploy),
    allowUnmergedDeploy,
    databaseUrl: databaseUrlText ? parseDatabaseUrl("database-url", databaseUrlText) : undefined,
    projectDir: withDefault(read("project-dir"), ".").trim(),
    targetSchema: withDefault(read("target-schema"), "public").trim(),
    vars: parseVars("vars", read("vars")),
    envVars: parseEnvVars(read("env-vars")),
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
    environment: optional(read("environment")),
    commentAuthor: optional(read("comment-author")),
  };

  const result = settingsSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? "input");
    throw new SettingsError(toInputName(field), issue?.message ?? "is invalid.");
  }
  return result.data;
}

/** Names (or `PREFIX*` patterns) separated by commas or newlines. */
function parseEnvVars(raw: string): string[] {
  const entries = raw
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const problem = envVarEntryProblem(entry);
    if (problem) throw new SettingsError("env-vars", `lists ${problem}.`);
  }
  return entries;
}

function toInputName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`).replace(/-ms$/, "");
}

/** The secrets a settings object carries, in every spelling a log line might contain them. */
export function secretsOf(settings: Pick<Settings, "databaseUrl" | "githubToken">): string[] {
  const url = settings.databaseUrl ? databaseUrlSecrets(settings.databaseUrl.href) : [];
  return [...new Set([...url, ...(settings.githubToken ? [settings.githubToken] : [])])];
}
