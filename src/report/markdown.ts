import type { DeployResult } from "../deploy/run-deploy.js";
import { actionItems, type ActionItem } from "./action-items.js";
import { Budget, commentLimit, type SizeLimit } from "./budget.js";
import {
  commentMarker,
  footer,
  targetLine,
  type CommentKind,
  type ReportContext,
} from "./context.js";
import { detailsSection } from "./details.js";
import { code, fence, message as clipped } from "./escape.js";
import { headline, reportVerdict } from "./headline.js";
import { modelFacts } from "./model-facts.js";
import { defaultTableLevel, modelTable, type TableLevel } from "./model-table.js";
import { diffBlock, scriptBlock } from "./sql-changes.js";

export interface RenderOptions {
  /** Which comment the body is for (the marker); the job summary takes the same. */
  kind: CommentKind;
  limit?: SizeLimit;
  /**
   * Whether the job summary of this run holds everything (the comment's note may only send
   * readers there when it does).
   */
  summaryComplete?: boolean;
  /** What the body goes through before it leaves (secret redaction): sizes are measured after it. */
  redact?: (text: string) => string;
}

export interface RenderedReport {
  body: string;
  /** The title's verdict, e.g. "⚠️ Deployed", for a link to this report. */
  verdict: string;
  /** Nothing was left out. */
  complete: boolean;
}

/** Room kept for the note on what was left out, whatever it names. */
const NOTE_RESERVE = 1_500;
/** Names listed in the note before "and N more". */
const NOTE_NAMES = 12;
const NOTE_NAME_CHARACTERS = 600;

function item(entry: ActionItem): string {
  // A backslash ends the title line with a hard break, as GitHub shows a comment's newlines.
  const lines = [`- [ ] ${entry.title}${entry.detail ? "\\" : ""}`];
  if (entry.detail) lines.push(`  ${entry.detail}`);
  // After a blank line, so the points are a list of their own under the item's text.
  if (entry.points?.length) lines.push("", ...entry.points.map((point) => `  - ${point}`));
  if (entry.statements.length > 0) {
    // After a blank line: a fence inside a tight list item loses its line breaks in some renderers.
    const block = fence(entry.statements.map((sql) => `${sql};`).join("\n"), "sql");
    lines.push("", ...block.split("\n").map((line) => `  ${line}`));
  }
  return lines.join("\n");
}

/**
 * The checklist, whole; past the limit, failures whole and one line for each other item (the
 * statements stay in the job summary); past that too, as many as fit and the names of the rest.
 */
function actionSection(
  items: ActionItem[],
  budget: Budget,
  summaryLink: string,
): { text: string; complete: boolean } {
  if (items.length === 0) return { text: "", complete: true };
  const heading = "#### Action required\n";
  const whole = `${heading}\n${items.map(item).join("\n")}\n`;
  if (budget.take(whole)) return { text: whole, complete: true };
  // Failures stay whole; the other items shrink to their titles.
  const titles = items.map((entry) =>
    entry.severity === "error" ? item(entry) : `- [ ] ${entry.title}`,
  );
  const compact = `${heading}\nWhat to run for each is in ${summaryLink}.\n\n${titles.join("\n")}\n`;
  if (budget.take(compact)) return { text: compact, complete: false };
  budget.take(heading);
  const kept: string[] = [];
  for (const title of titles) {
    // Keep room for the line that names what is left.
    if (budget.remaining - title.length < 4_000 || !budget.take(title)) break;
    kept.push(title);
  }
  const rest = items.slice(kept.length);
  const names = nameList(rest.map((entry) => entry.subject));
  const tail = `- [ ] ${rest.length} more item(s), listed in full in ${summaryLink}: ${names}`;
  budget.take(tail);
  return { text: `${heading}\n${[...kept, tail].join("\n")}\n`, complete: false };
}

/** "" when there is nothing to show, the block when it fits, undefined when it was left out. */
function optional(block: string | undefined, budget: Budget): string | undefined {
  if (block === undefined) return "";
  return budget.take(block) ? block : undefined;
}

/** What every report keeps whole: the marker, the headline, the footer and the checklist. */
function essentials(
  top: string,
  items: ActionItem[],
  context: ReportContext,
  options: RenderOptions,
) {
  const marker = commentMarker(context, options.kind);
  const budget = new Budget(options.limit ?? commentLimit, NOTE_RESERVE, options.redact);
  for (const part of [marker, top, footer(context)]) budget.take(part);
  return { marker, budget, actions: actionSection(items, budget, summaryLinkOf(context)) };
}

function withFooter(sections: string[], context: ReportContext): string {
  const body = joinSections(sections);
  const tail = footer(context);
  return tail ? `${body}\n\n${tail}` : `${body}\n`;
}

/** One blank line between sections: an HTML block (`</details>`) ends only at a blank line. */
function joinSections(sections: string[]): string {
  return sections
    .map((section) => section.trim())
    .filter((section) => section !== "")
    .join("\n\n");
}

/** At most NOTE_NAMES names and NOTE_NAME_CHARACTERS characters of them, so the note fits its reserve. */
function nameList(names: string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names.slice(0, NOTE_NAMES)) {
    const quoted = code(name.length > 80 ? `${name.slice(0, 79)}…` : name);
    if (length + quoted.length > NOTE_NAME_CHARACTERS) break;
    shown.push(quoted);
    length += quoted.length + 2;
  }
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

const capitalised = (text: string) => `${text[0]?.toUpperCase() ?? ""}${text.slice(1)}`;

function summaryLinkOf(context: ReportContext): string {
  return context.runUrl ? `the [job summary](${context.runUrl})` : "the job summary";
}

/**
 * The deploy report, as the job summary and the pull request comment show it: impact first, then
 * what needs a person, the table, each change as a diff with its full script, and the details.
 * Parts are taken in priority order while they fit under the limit, and a note says truthfully
 * what was left out and where it is.
 */
export function renderReport(
  result: DeployResult,
  context: ReportContext,
  options: RenderOptions,
): RenderedReport {
  const limit = options.limit ?? commentLimit;
  const facts = modelFacts(result);
  const items = actionItems(result, facts);
  const top = headline(result, facts, items, context);
  const { marker, budget, actions } = essentials(top, items, context, options);

  const firstLevel = defaultTableLevel(facts);
  const levels = ([0, 1, 2, 3] as TableLevel[]).filter((level) => level >= firstLevel);
  const table = budget.takeFirst(lazily(levels, (level) => modelTable(facts, level)));
  const diffs = facts.map((model) => optional(diffBlock(model), budget));
  const details = budget.takeFirst(
    lazily([true, false], (full) => detailsSection(result, facts, full)),
  );
  const scripts = facts.map((model) =>
    optional(scriptBlock(model.entry, result.plan.dryRun), budget),
  );

  const changes = facts.flatMap((_, i) => {
    const parts = [diffs[i], scripts[i]].filter((part): part is string => Boolean(part));
    return parts.length > 0 ? [parts.join("\n\n")] : [];
  });
  const omitted = (blocks: (string | undefined)[]) =>
    facts.filter((_, i) => blocks[i] === undefined).map((model) => model.entry.model);
  const left: string[] = [];
  if (!actions.complete) left.push("the statements of the action items");
  if (!table) left.push("the model table");
  else if (table[0] > firstLevel) left.push("single rows of routine models (grouped)");
  const omittedDiffs = omitted(diffs);
  if (omittedDiffs.length > 0) left.push(`the SQL diffs of ${nameList(omittedDiffs)}`);
  const omittedScripts = omitted(scripts);
  if (omittedScripts.length > 0) {
    left.push(`the full DDL scripts of ${omittedScripts.length} model(s)`);
  }
  if (details?.[0] !== true) left.push("the details (temporary names, durations, warnings)");

  const sections = [marker, top, actions.text, table?.[1] ?? ""];
  if (changes.length > 0) sections.push(`#### Changes\n\n${changes.join("\n\n")}\n`);
  sections.push(details?.[1] ?? "");
  if (left.length > 0) sections.push(omissionNote(left, limit, context, options));
  return {
    body: withFooter(sections, context),
    verdict: reportVerdict(result, items),
    complete: left.length === 0,
  };
}

/** Candidates rendered only when the ones before them did not fit (a 10,000-row table is not free). */
function* lazily<T>(keys: T[], render: (key: T) => string): Generator<[T, string]> {
  for (const key of keys) yield [key, render(key)];
}

function omissionNote(
  left: string[],
  limit: SizeLimit,
  context: ReportContext,
  options: RenderOptions,
): string {
  const where =
    options.summaryComplete && limit === commentLimit
      ? `${capitalised(summaryLinkOf(context))} has the full report, and the \`plan\` output every statement.`
      : "The `plan` output of this step has every statement.";
  return `> [!NOTE]\n> Left out to stay under ${limit.name}: ${left.join("; ")}. ${where}`;
}

/**
 * When no plan could be made (bad project, unreachable database): the same comment says so, so a
 * pull request never shows an earlier plan as if it were current.
 */
export function renderFailureReport(
  problems: { message: string; file?: string; line?: number }[],
  context: ReportContext,
  options: RenderOptions,
): RenderedReport {
  const items = problems.map((problem): ActionItem => {
    const where = problem.file ? `${problem.file}${problem.line ? `:${problem.line}` : ""}` : "";
    // Some messages already start with their position; say it once.
    const message =
      where && problem.message.startsWith(`${where}: `)
        ? problem.message.slice(where.length + 2)
        : problem.message;
    return {
      severity: "error",
      subject: where || "problem",
      title: `❌ ${where ? `${code(where)}: ` : ""}${clipped(message)}`,
      statements: [],
    };
  });
  const top = `### ❌ No plan could be made: ${targetLine(context)}\n\n**Nothing was deployed (no DDL was issued).** Fix the problems below; the next run replaces this report.`;
  const { marker, actions } = essentials(top, items, context, options);
  return {
    body: withFooter([marker, top, actions.text], context),
    verdict: "❌ No plan could be made",
    complete: actions.complete,
  };
}
