import type { DeployResult } from "../deploy/run-deploy.js";
import type { ActionItem } from "./action-items.js";
import { targetLine, type ReportContext } from "./context.js";
import { message } from "./escape.js";
import type { Cause, ModelFacts, Verdict } from "./model-facts.js";

const CAUSE_GROUP: Record<Cause, string> = {
  changed: "changed",
  config: "config only",
  renamed: "renamed",
  new: "new",
  selected: "selected",
  downstream: "downstream",
};

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/** "2 swapped (1 changed, 1 downstream)": the breakdown by why, in a fixed order. */
function counted(models: ModelFacts[], label: string): string | undefined {
  if (models.length === 0) return undefined;
  const byCause = new Map<string, number>();
  for (const group of Object.values(CAUSE_GROUP)) byCause.set(group, 0);
  for (const model of models) {
    const group = CAUSE_GROUP[model.cause];
    byCause.set(group, (byCause.get(group) ?? 0) + 1);
  }
  const parts = [...byCause].filter(([, n]) => n > 0).map(([group, n]) => `${n} ${group}`);
  return `${models.length} ${label} (${parts.join(", ")})`;
}

const READER_NAMES: Record<string, [string, string]> = {
  sink: ["sink", "sinks"],
  "materialized view": ["MV", "MVs"],
  view: ["view", "views"],
  subscription: ["subscription", "subscriptions"],
};

function readerCounts(facts: ModelFacts[]): string[] {
  const byType = new Map<string, Set<string>>();
  for (const model of facts) {
    for (const reader of model.readers) {
      const names = byType.get(reader.type) ?? new Set<string>();
      names.add(`${reader.schema}.${reader.name}`);
      byType.set(reader.type, names);
    }
  }
  return [...byType].map(([type, names]) => {
    const [one, many] = READER_NAMES[type] ?? ["other reader", "other readers"];
    return `⚠️ ${plural(names.size, one, many)} ${names.size === 1 ? "keeps" : "keep"} the previous version`;
  });
}

/** The impact in one line, as Terraform's "Plan: 2 to add, 1 to change". */
export function impactLine(result: DeployResult, facts: ModelFacts[]): string {
  const dryRun = result.plan.dryRun;
  const where = (test: (model: ModelFacts) => boolean) => facts.filter(test);
  const done = (action: string) =>
    where(
      (model) =>
        model.entry.action === action &&
        (dryRun ? model.verdict !== "invalid" : model.verdict === "applied"),
    );
  const count = (verdict: Verdict, icon: string, label: string) => {
    const n = where((model) => model.verdict === verdict).length;
    return n > 0 ? `${icon} ${n} ${label}` : undefined;
  };
  const parts = [
    counted(done("zero-downtime"), dryRun ? "to swap" : "swapped"),
    counted(done("create"), dryRun ? "to create" : "created"),
    counted(done("full-refresh"), dryRun ? "to drop and recreate" : "dropped and recreated"),
    result.plan.failed.length > 0 ? `❌ ${result.plan.failed.length} cannot be built` : undefined,
    count("invalid", "❌", "invalid"),
    count("failed", "❌", "failed"),
    count("not-attempted", "⏭️", "not attempted"),
    count("not-applied", "⚠️", "not applied"),
    ...readerCounts(facts),
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(" · ") : "nothing to deploy";
}

function modeNote(result: DeployResult, facts: ModelFacts[]): string {
  if (result.plan.models.length === 0) {
    return result.plan.failed.length > 0
      ? ""
      : "No materialized view model was selected or changed.";
  }
  if (!result.plan.dryRun) return cutOverNote(result);
  if (!result.online) {
    return (
      "Dry run, planned offline (no database credentials): no DDL issued. Whether each MV exists, " +
      "what reads it and whether the new SQL is valid was not checked, so the statements may differ at deploy."
    );
  }
  const unchecked = facts.filter((model) => model.verdict === "unchecked").length;
  return (
    "Dry run: no DDL issued; each new definition was checked with `EXPLAIN`" +
    (unchecked > 0
      ? `, except ${plural(unchecked, "model")} that can be checked only once ${unchecked === 1 ? "its" : "their"} changed upstream exists (see details).`
      : ".")
  );
}

/** Issue 12: how long readers could see some models new and others old, or why none was swapped. */
function cutOverNote(result: DeployResult): string {
  const outcome = result.outcome;
  const notCutOver = outcome?.notCutOver;
  if (notCutOver) return `${message(notCutOver.charAt(0).toUpperCase() + notCutOver.slice(1))}.`;
  if (!outcome?.cutOver) return "";
  const { swaps, windowMs } = outcome.cutOver;
  return `Cut over in ${windowMs} ms: ${plural(swaps, "SWAP")} back to back, after every model was built beside production.`;
}

/** "✅ Deployed", "⚠️ Deploy plan", "❌ Deploy failed": never a plain ✅ while something needs a person. */
export function reportVerdict(result: DeployResult, items: ActionItem[]): string {
  const failed = items.some((item) => item.severity === "error");
  const icon = failed ? "❌" : items.length > 0 ? "⚠️" : "✅";
  const what = result.plan.dryRun
    ? "Deploy plan"
    : result.outcome?.failed
      ? "Deploy failed"
      : !result.outcome && result.blocking.length > 0
        ? "Not deployed"
        : "Deployed";
  return `${icon} ${what}`;
}

/** Title, impact and what kind of run it was: the first lines of every report. */
export function headline(
  result: DeployResult,
  facts: ModelFacts[],
  items: ActionItem[],
  context: ReportContext,
): string {
  const failed = items.some((item) => item.severity === "error");
  const status =
    failed || items.length === 0
      ? ""
      : ` · ${plural(items.length, "item")} need${items.length === 1 ? "s" : ""} action`;
  const lines = [
    `### ${reportVerdict(result, items)}: ${targetLine(context)}`,
    "",
    `**${impactLine(result, facts)}**${status}`,
  ];
  const note = modeNote(result, facts);
  if (note) lines.push("", note);
  return lines.join("\n");
}
