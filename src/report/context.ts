import { createHash } from "node:crypto";
import { hasCredentials } from "../deploy/run-deploy.js";
import { connectionTarget } from "../risingwave/connection.js";
import type { Settings } from "../settings/settings.js";
import { code, text } from "./escape.js";

/** Which database a report is about: named by the `environment` input, or by where it connects. */
export interface ReportTarget {
  environment?: string;
  /** Absent when the plan was made offline (no credentials). Never the user or password. */
  database?: { host: string; port: string; name: string };
}

/** The target as the settings name it; the database only when there are credentials to reach it. */
export function reportTarget(
  settings: Pick<Settings, "environment" | "databaseUrl">,
  env: Record<string, string | undefined>,
): ReportTarget {
  if (!hasCredentials(settings, env)) return { environment: settings.environment };
  const { host, port, database } = connectionTarget(settings.databaseUrl, env);
  return { environment: settings.environment, database: { host, port, name: database } };
}

export interface ReportContext {
  /** The `project-dir` input: known even when the project cannot be read. */
  projectDir: string;
  /** From dbt_project.yml, when it could be read. */
  projectName?: string;
  targetSchema: string;
  target: ReportTarget;
  commitSha?: string;
  /** The commit on the web, for the footer. */
  commitUrl?: string;
  /** The workflow run: its page shows the job summary, which carries the full report. */
  runUrl?: string;
}

/** The kinds of comment: the sticky plan of a pull request, and one result per deployed commit. */
export type CommentKind = "plan" | "result";

/**
 * Stable for one project and target: staging and production jobs (or a matrix) keep separate
 * comments. Offline plans have no database to name, so only `environment` joins them to the rest.
 */
export function targetKey(target: ReportTarget): string {
  if (target.environment) return `env:${encodeURIComponent(target.environment)}`;
  if (!target.database) return "offline";
  const { host, port, name } = target.database;
  const digest = createHash("sha256").update(`${host.toLowerCase()}:${port}/${name}`);
  return `db:${digest.digest("hex").slice(0, 12)}`;
}

/**
 * Identifies our comments among all others. A result marker also names its commit, so a rerun
 * of the same deploy updates its own result instead of adding another.
 */
export function commentMarker(
  context: Pick<ReportContext, "projectDir" | "targetSchema" | "target" | "commitSha">,
  kind: CommentKind,
): string {
  const parts = [
    `risingwave-zero-downtime-deploy ${kind}`,
    `project-dir=${encodeURIComponent(context.projectDir)}`,
    `schema=${encodeURIComponent(context.targetSchema)}`,
    `target=${targetKey(context.target)}`,
  ];
  if (kind === "result" && context.commitSha) parts.push(`commit=${context.commitSha}`);
  return `<!-- ${parts.join(" ")} -->`;
}

/** `shop` → schema `analytics` · production (`dev` on `rw.internal:4566`). */
export function targetLine(context: ReportContext): string {
  const project = context.projectName
    ? code(context.projectName)
    : `the dbt project in ${code(context.projectDir)}`;
  const parts = [`${project} → schema ${code(context.targetSchema)}`];
  const { environment, database } = context.target;
  const where = database
    ? `database ${code(database.name || "(default)")} on ${code(`${database.host}:${database.port}`)}`
    : "offline: no database credentials";
  parts.push(environment ? `**${text(environment)}** (${where})` : where);
  return parts.join(" · ");
}

/**
 * Separates the run-specific footer (run link) from the report, so a rerun whose report is the
 * same leaves the pull request comment alone.
 */
export const FOOTER_MARKER = "<!-- report-footer -->";

export function withoutFooter(body: string): string {
  // The last one: ours comes last, and SQL from a pull request may carry the same text earlier.
  const at = body.lastIndexOf(FOOTER_MARKER);
  return at === -1 ? body : body.slice(0, at);
}

export function footer(context: ReportContext): string {
  const parts: string[] = [];
  if (context.commitSha) {
    const short = code(context.commitSha.slice(0, 12));
    parts.push(context.commitUrl ? `commit [${short}](${context.commitUrl})` : `commit ${short}`);
  }
  if (context.runUrl) parts.push(`[workflow run and full report](${context.runUrl})`);
  return parts.length > 0 ? `${FOOTER_MARKER}\n<sub>${parts.join(" · ")}</sub>\n` : "";
}
