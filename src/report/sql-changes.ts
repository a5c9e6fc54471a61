import { structuredPatch } from "diff";
import type { PlannedModel } from "../plan/types.js";
import { code, fence, html, htmlCode } from "./escape.js";
import type { ModelFacts } from "./model-facts.js";

/** Diffs longer than this many lines are collapsed. */
const OPEN_DIFF_LINES = 25;
/** A pull request controls the SQL: past this many changed lines the diff is not computed. */
const MAX_DIFF_EDITS = 1_000;

const withNewline = (sql: string) => (sql === "" || sql.endsWith("\n") ? sql : `${sql}\n`);

export interface SqlDiff {
  /** Unified diff hunks, `@@` headers included. */
  text: string;
  added: number;
  removed: number;
}

/**
 * The rendered SQL at the base revision against the new one; undefined when they are equal,
 * "too-large" past MAX_DIFF_EDITS.
 */
export function sqlDiff(before: string, after: string): SqlDiff | "too-large" | undefined {
  if (before === after) return undefined;
  const patch = structuredPatch("base", "head", withNewline(before), withNewline(after), "", "", {
    context: 3,
    maxEditLength: MAX_DIFF_EDITS,
  });
  if (!patch) return "too-large";
  let added = 0;
  let removed = 0;
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
      lines.push(line);
    }
  }
  if (lines.length === 0) return undefined;
  return { text: lines.join("\n"), added, removed };
}

/** The SQL the model had at the base revision, or "" for a new model (diffed against nothing). */
function baseSqlOf(model: ModelFacts): string | undefined {
  if (model.cause === "new") return "";
  return model.change?.baseSql;
}

/** The diff block of a changed model: open when short, collapsed when long. */
export function diffBlock(model: ModelFacts): string | undefined {
  const before = baseSqlOf(model);
  if (before === undefined) return undefined;
  const diff = sqlDiff(before, model.entry.sql);
  if (!diff) return undefined;
  if (diff === "too-large") {
    return `**${code(model.entry.model)}** · the rendered SQL changed in more than ${MAX_DIFF_EDITS.toLocaleString("en-US")} lines; see its full DDL script.`;
  }
  const counts = `+${diff.added} −${diff.removed}`;
  const block = fence(diff.text, "diff");
  const lines = diff.text.split("\n").length;
  const against = model.cause === "new" ? "new model" : "against the base revision";
  if (lines <= OPEN_DIFF_LINES) {
    return `**${code(model.entry.model)}** · rendered SQL ${against} (${counts})\n\n${block}`;
  }
  return (
    `<details><summary>${htmlCode(model.entry.model)}: rendered SQL ${html(against)} (${counts}, ${lines} lines)</summary>\n\n` +
    `${block}\n\n</details>`
  );
}

function statementsOf(entry: PlannedModel): string[] {
  return entry.steps.flatMap((step) => ("sql" in step ? [step.sql] : []));
}

/** Every statement the model runs, in order, collapsed. */
export function scriptBlock(entry: PlannedModel, dryRun: boolean): string | undefined {
  const statements = statementsOf(entry);
  if (statements.length === 0) return undefined;
  const stamped = dryRun && entry.temp ? "; the temporary name is stamped again at deploy" : "";
  return (
    `<details><summary>Full DDL script of ${htmlCode(entry.model)} (${statements.length} statements${html(stamped)})</summary>\n\n` +
    `${fence(statements.map((sql) => `${sql.trimEnd()};`).join("\n"), "sql")}\n\n</details>`
  );
}
