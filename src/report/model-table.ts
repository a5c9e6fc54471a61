import type { PlanAction } from "../plan/types.js";
import { cell, code, html, text } from "./escape.js";
import type { ModelFacts, Verdict } from "./model-facts.js";

/** Four short columns, so Status stays in view in a ~900 px comment; names and times go below. */
const HEADER = ["| Model | Action | Why | Status |", "|---|---|---|---|"];

const ACTION: Record<PlanAction, string> = {
  "zero-downtime": "swap",
  create: "create",
  "full-refresh": "drop + create",
  "in-place": "complete in place",
  skip: "skip",
};

const STATUS: Record<Exclude<Verdict, "applied" | "invalid">, string> = {
  valid: "✅ valid",
  unchecked: "⚠️ checked after upstream",
  offline: "not checked (offline)",
  failed: "❌ failed",
  "not-attempted": "⏭️ not attempted",
  "not-applied": "⚠️ not applied",
};

/** "swap", or "swap view" for a dbt view model. */
function actionLabel(model: ModelFacts): string {
  const action = ACTION[model.entry.action];
  return model.entry.relationType === "view" ? `${action} view` : action;
}

function status(model: ModelFacts): string {
  switch (model.verdict) {
    case "invalid":
      return model.problem || model.entry.problems.length === 0 ? "❌ invalid SQL" : "❌ refused";
    case "applied":
      switch (model.entry.action) {
        case "zero-downtime":
          return "✅ swapped";
        case "create":
          return "✅ created";
        case "in-place":
          return "✅ completed";
        default:
          return "✅ recreated";
      }
    default:
      return STATUS[model.verdict];
  }
}

const WHY_LIMIT = 40;

/** "SQL changed; config indexes changed" → "SQL, config indexes". */
function changeLabel(reasons: string[]): string {
  const short = reasons.map((reason) =>
    reason === "SQL changed"
      ? "SQL"
      : reason.startsWith("relation changed")
        ? "relation"
        : reason.replace(/ changed$/, "").replace(/^config /, ""),
  );
  const joined = short.join(", ");
  return joined.length > WHY_LIMIT ? `${joined.slice(0, WHY_LIMIT - 1)}…` : joined;
}

function upstreamLabel(names: string[]): string {
  if (names.length === 1) return `downstream of ${code(names[0]!)}`;
  return `downstream of ${code(names[0]!)} +${names.length - 1}`;
}

function why(model: ModelFacts): string {
  const { change, entry } = model;
  switch (model.cause) {
    case "downstream":
      return upstreamLabel(entry.downstreamOf);
    case "new":
      return "new model";
    case "renamed":
      return text(change?.reasons[0] ?? "renamed");
    case "selected":
      return "selected";
    case "config":
      return `config only: ${text(changeLabel(change?.reasons ?? []))}`;
    case "changed":
      return `changed: ${text(changeLabel(change?.reasons ?? []))}`;
  }
}

const ROUTINE = new Set<Verdict>(["valid", "applied", "offline"]);

/**
 * How much the table shows: 0 every model; 1 routine downstream rows grouped; 2 every routine
 * row grouped; 3 as 2 without the grouped names. Rows that need a look are never grouped.
 */
export type TableLevel = 0 | 1 | 2 | 3;

interface Group {
  models: ModelFacts[];
  key: string;
}

function groupKey(model: ModelFacts, level: TableLevel): string | undefined {
  if (level === 0 || !ROUTINE.has(model.verdict)) return undefined;
  if (level === 1 && model.cause !== "downstream") return undefined;
  return `${actionLabel(model)}\u0000${model.cause === "downstream" ? "downstream" : "direct"}\u0000${status(model)}`;
}

function groupWhy(models: ModelFacts[]): string {
  if (models.every((model) => model.cause === "downstream")) {
    const upstream = [...new Set(models.flatMap((model) => model.entry.downstreamOf))];
    return upstream.length === 1
      ? upstreamLabel(upstream)
      : `downstream of ${upstream.length} models`;
  }
  return "changed, new or selected";
}

/** The one table: a row per model, or per group of routine models with their names below. */
export function modelTable(facts: ModelFacts[], level: TableLevel): string {
  if (facts.length === 0) return "";
  const rows: string[] = [];
  const groups = new Map<string, Group>();
  const order: (ModelFacts | Group)[] = [];
  for (const model of facts) {
    const key = groupKey(model, level);
    if (key === undefined) {
      order.push(model);
      continue;
    }
    let group = groups.get(key);
    if (!group) {
      group = { models: [], key };
      groups.set(key, group);
      order.push(group);
    }
    group.models.push(model);
  }
  const lists: string[] = [];
  for (const item of order) {
    if ("entry" in item || item.models.length === 1) {
      const model = "entry" in item ? item : item.models[0]!;
      rows.push(
        `| ${cell(code(model.entry.model))} | ${actionLabel(model)} | ${cell(why(model))} | ${status(model)} |`,
      );
      continue;
    }
    const first = item.models[0]!;
    const label = `${item.models.length} models`;
    rows.push(
      `| ${label} | ${actionLabel(first)} | ${cell(groupWhy(item.models))} | ${status(first)} |`,
    );
    if (level < 3) {
      lists.push(
        `<details><summary>${html(label)}: ${html(actionLabel(first))}, ${html(status(first))}</summary>\n\n` +
          `${item.models.map((model) => code(model.entry.model)).join(", ")}\n\n</details>`,
      );
    }
  }
  return [...HEADER, ...rows, "", ...lists.flatMap((list) => [list, ""])].join("\n");
}

/** Routine downstream rows past this many are grouped even when everything fits. */
const GROUP_DOWNSTREAM_PAST = 10;

export function defaultTableLevel(facts: ModelFacts[]): TableLevel {
  const routineDownstream = facts.filter(
    (model) => model.cause === "downstream" && ROUTINE.has(model.verdict),
  ).length;
  return routineDownstream > GROUP_DOWNSTREAM_PAST ? 1 : 0;
}
