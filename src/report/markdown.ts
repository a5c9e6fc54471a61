import type { DeployResult } from "../deploy/run-deploy.js";
import type { ModelOutcome } from "../deploy/outcome.js";
import { planWarnings } from "../plan/build-plan.js";
import { dropMaterializedView } from "../plan/ddl.js";
import type { PlannedModel } from "../plan/types.js";
import { displayName } from "../sql/quote.js";
import { escapeCell, readerList } from "./format.js";

/** GitHub rejects comment bodies above 65,536 characters; keep a margin for the marker and footer. */
export const COMMENT_LIMIT = 65_536;

export interface ReportContext {
  /** The `project-dir` input: known even when the project cannot be read. */
  projectDir: string;
  /** From dbt_project.yml, when it could be read. */
  projectName?: string;
  targetSchema: string;
  commitSha?: string;
  runUrl?: string;
}

/** Identifies our comment among all others: one sticky comment per project and target schema. */
export function commentMarker(context: Pick<ReportContext, "projectDir" | "targetSchema">): string {
  return `<!-- risingwave-zero-downtime-deploy project-dir=${encodeURIComponent(context.projectDir)} schema=${encodeURIComponent(context.targetSchema)} -->`;
}

function title(context: ReportContext): string {
  const project = context.projectName ?? context.projectDir;
  return `### RisingWave zero-downtime deploy: \`${project}\` → schema \`${context.targetSchema}\``;
}

/**
 * When no plan could be made (bad project, unreachable database): the same comment says so, so a
 * pull request never shows an earlier plan as if it were current.
 */
export function renderFailureReport(
  problems: { message: string; file?: string; line?: number }[],
  context: ReportContext,
): string {
  const lines = [
    commentMarker(context),
    title(context),
    "",
    "❌ No plan could be made; nothing was deployed (no DDL was issued).",
    "",
    ...problems.map(
      (problem) =>
        `- ${problem.file ? `\`${problem.file}${problem.line ? `:${problem.line}` : ""}\`: ` : ""}${escapeCell(problem.message)}`,
    ),
    "",
  ];
  return lines.join("\n") + footerLines(context);
}

const ACTION_LABEL: Record<PlannedModel["action"], string> = {
  create: "create",
  "zero-downtime": "zero-downtime swap",
  "full-refresh": "full refresh (drop + create)",
  "in-place": "completed in place",
  skip: "skip",
};

function code(text: string): string {
  return text === "" ? "" : `\`${text.replace(/`/g, "'")}\``;
}

function duration(ms?: number): string {
  if (ms === undefined) return "";
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

function statusOf(result: DeployResult, entry: PlannedModel, outcome?: ModelOutcome): string {
  if (entry.action === "skip") return `skipped: ${entry.reason}`;
  const invalid = result.validation?.problems.some((p) => p.model === entry.model);
  if (result.plan.dryRun || !result.outcome) {
    if (invalid) return `❌ invalid SQL`;
    if (entry.problems.length > 0) return "❌ would fail";
    if (!result.plan.dryRun) return "⛔ not deployed";
    if (entry.action === "in-place") return result.online ? "✅ checked" : "not checked (offline)";
    return result.validation ? "✅ valid (EXPLAIN)" : "not checked (offline)";
  }
  switch (outcome?.status) {
    case "applied":
      return "✅ applied";
    case "failed":
      return `❌ failed`;
    case "not-attempted":
      return "⏭️ not attempted";
    default:
      return "";
  }
}

function headline(result: DeployResult): string {
  const blocking = result.blocking.length;
  if (result.plan.dryRun) {
    if (!result.online) return "Dry run, planned offline (no database credentials): no DDL issued.";
    return blocking > 0
      ? `Dry run: ${blocking} problem(s) would fail the deploy. No DDL issued.`
      : "Dry run: every new definition was validated with EXPLAIN. No DDL issued.";
  }
  if (!result.outcome && blocking > 0) {
    return `❌ Not deployed: ${blocking} problem(s) found before any DDL.`;
  }
  if (result.outcome?.failed)
    return "❌ Deploy failed. See the models below for what was done and what was not.";
  return "✅ Deployed.";
}

/** The job summary and the pull request comment share this one Markdown body. */
export function renderReport(
  result: DeployResult,
  context: ReportContext,
  options: { sqlLimit?: number } = {},
): string {
  const lines: string[] = [commentMarker(context), title(context), "", headline(result), ""];
  const plan = result.plan;
  if (plan.models.length === 0) {
    lines.push("Nothing to deploy: no materialized view model was selected or changed.", "");
  } else {
    lines.push(
      "| Model | Action | Relation | Temporary MV | Status | Duration |",
      "|---|---|---|---|---|---|",
    );
    for (const entry of plan.models) {
      const outcome = result.outcome?.models.find((model) => model.model === entry.model);
      lines.push(
        `| ${escapeCell(code(entry.model))} | ${ACTION_LABEL[entry.action]} | ${escapeCell(code(displayName(entry.target)))} | ${
          entry.temp ? escapeCell(code(entry.temp.identifier)) : ""
        } | ${escapeCell(statusOf(result, entry, outcome))} | ${duration(outcome?.durationMs)} |`,
      );
    }
    lines.push("");
  }

  const failures = [
    ...(result.outcome?.models ?? [])
      .filter((model) => model.status === "failed")
      .map((model) => `**${model.model}** (\`${model.file}\`): ${model.error} (${model.note})`),
    ...result.blocking.map((problem) => `\`${problem.file}\`: ${problem.message}`),
  ];
  if (failures.length > 0) {
    lines.push("#### Errors", "", ...failures.map((failure) => `- ${failure}`), "");
  }

  const carried = plan.models.filter((entry) => entry.carriedOver.length > 0);
  if (carried.length > 0) {
    lines.push("#### Carried over from the live MVs (not in the dbt config)", "");
    for (const entry of carried) {
      const items = entry.carriedOver.map((item) => `${item.kind} ${item.detail}`).join("; ");
      lines.push(`- \`${displayName(entry.target)}\`: ${escapeCell(items)}`);
    }
    lines.push("");
  }
  const unchecked = [
    ...plan.models.flatMap((entry) =>
      entry.unchecked.map((note) => `**${entry.model}**: ${escapeCell(note)}`),
    ),
    ...(result.validation?.notes ?? []).map(
      (note) => `**${note.model}**: ${escapeCell(note.message)}`,
    ),
  ];
  if (unchecked.length > 0) {
    lines.push(
      "#### Not checked before the deploy",
      "",
      ...unchecked.map((note) => `- ${note}`),
      "",
    );
  }

  const preserved = result.outcome?.preservedTemps ?? [];
  if (preserved.length > 0) {
    lines.push("#### Preserved temporary MVs", "");
    for (const temp of preserved) {
      const readers =
        temp.readers.length > 0
          ? `still read by ${readerList(temp.readers)}`
          : "nothing reads it any more";
      lines.push(
        `- \`${displayName(temp.relation)}\`: ${readers}. Cleanup: \`${dropMaterializedView(temp.relation)};\``,
      );
    }
    lines.push(
      "",
      "The scheduled cleanup (`mode: cleanup`) drops them once nothing depends on them.",
      "",
    );
  }
  const dropped = result.outcome?.droppedTemps ?? [];
  if (dropped.length > 0) {
    lines.push(
      `Dropped temporary MVs: ${dropped.map((relation) => `\`${displayName(relation)}\``).join(", ")}`,
      "",
    );
  }

  const warnings = [...result.requests.warnings, ...planWarnings(plan)];
  if (warnings.length > 0) {
    lines.push(
      "#### Warnings",
      "",
      ...warnings.map((warning) => `- ⚠️ ${escapeCell(warning)}`),
      "",
    );
  }

  const withSql = plan.models.filter((entry) => entry.action !== "skip");
  const footer = footerLines(context);
  const body = lines.join("\n");
  const sqlSection = renderSql(
    withSql,
    options.sqlLimit ?? COMMENT_LIMIT - body.length - footer.length - 200,
  );
  return [body, sqlSection, footer].filter((part) => part !== "").join("\n");
}

/**
 * Separates the run-specific footer (run link) from the report, so a rerun whose report is the
 * same leaves the pull request comment alone.
 */
export const FOOTER_MARKER = "<!-- report-footer -->";

export function withoutFooter(body: string): string {
  const at = body.indexOf(FOOTER_MARKER);
  return at === -1 ? body : body.slice(0, at);
}

function footerLines(context: ReportContext): string {
  const parts: string[] = [];
  if (context.commitSha) parts.push(`commit \`${context.commitSha.slice(0, 12)}\``);
  if (context.runUrl) parts.push(`[workflow run](${context.runUrl})`);
  return parts.length > 0 ? `${FOOTER_MARKER}\n<sub>${parts.join(" · ")}</sub>\n` : "";
}

/** SQL goes first when the body must shrink: it is the largest and least essential part. */
function renderSql(models: PlannedModel[], budget: number): string {
  if (models.length === 0) return "";
  const blocks = models.map((entry) => {
    const statements = entry.steps.flatMap((step) => ("sql" in step ? [step.sql] : []));
    return `<details><summary>SQL for <code>${entry.model}</code> (${statements.length} statements)</summary>\n\n\`\`\`sql\n${statements
      .map((sql) => `${sql.replace(/```/g, "` ` `")};`)
      .join("\n")}\n\`\`\`\n</details>`;
  });
  const kept: string[] = [];
  let used = 0;
  let omitted = 0;
  for (const block of blocks) {
    if (used + block.length + 1 > budget) {
      omitted++;
      continue;
    }
    kept.push(block);
    used += block.length + 1;
  }
  if (omitted > 0) {
    kept.push(
      `_SQL of ${omitted} model(s) left out to stay under GitHub's ${COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit; the \`plan\` output and the job log have all of it._`,
    );
  }
  return `#### SQL\n\n${kept.join("\n")}\n`;
}
