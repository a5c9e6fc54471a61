import type { DeployResult } from "../deploy/run-deploy.js";
import { deployedType, dropStatement, swapStatement } from "../plan/relation-type.js";
import type { PlanFailure, Reader } from "../plan/types.js";
import { displayName, quoteQualified, type QualifiedName } from "../sql/quote.js";
import { code, message, text } from "./escape.js";
import type { ModelFacts } from "./model-facts.js";

/**
 * One thing a person has to do (or decide), with the exact statement or input where one can be
 * derived. Built only from data on the result, so a later plan field (say, a sink's cut-over
 * statements) becomes an item's statements without another layout.
 */
export interface ActionItem {
  severity: "error" | "warning";
  /** What the item is about, to name it when items must be summarised. */
  subject: string;
  /** One line of Markdown. */
  title: string;
  /** Markdown after the title: what to do, and why. */
  detail?: string;
  /** Markdown points after the detail, one consequence or condition each. */
  points?: string[];
  /** SQL to run, in order. */
  statements: string[];
}

const reader = (r: Reader): QualifiedName => ({ schema: r.schema, identifier: r.name });

function readerItem(facts: ModelFacts, r: Reader, dryRun: boolean): ActionItem {
  const name = code(`${r.schema}.${r.name}`);
  const model = code(facts.entry.model);
  const previous = dryRun
    ? `will keep reading the previous ${model} after the deploy`
    : `reads the previous ${model}${facts.keptTemp ? `, kept as ${code(displayName(facts.keptTemp.relation))}` : ""}`;
  const release = dryRun
    ? "The previous version is kept until nothing reads it."
    : "Once it moves, nothing reads the previous version and the cleanup sweep (`mode: cleanup`) drops it.";
  const title = `⚠️ ${text(r.type)} ${name} ${previous}`;
  const self = quoteQualified(reader(r));
  const move = facts.entry.readerMoves?.find(
    (candidate) => candidate.reader.schema === r.schema && candidate.reader.name === r.name,
  );
  if (move) {
    const alternative = move.alternative
      ? [
          `Or, on this server: ${move.alternative.statements.map((sql) => code(sql.replace(/\s*\n\s*/g, " "))).join(", then ")}. ${text(move.alternative.effect)}`,
        ]
      : [];
    return {
      severity: "warning",
      subject: `${r.schema}.${r.name}`,
      title,
      detail:
        (move.statements.some((sql) => sql.includes("<"))
          ? `Move it to the new version: fill in each ${code("<…>")} from ${code(`SHOW CREATE ${r.type.toUpperCase()} ${self}`)} ` +
            "(its options are not copied here: they may hold credentials). "
          : "Move it to the new version. ") +
        `${code(displayName(move.keeps))} stays until it is moved.`,
      points: [...move.effect.map(text), ...alternative],
      statements: move.statements,
    };
  }
  const kind = r.type === "materialized view" || r.type === "view" || r.type === "subscription";
  return {
    severity: "warning",
    subject: `${r.schema}.${r.name}`,
    title,
    detail:
      `It is not a model this deploy rebuilds. Recreate it on the new ${model} (its SQL: ` +
      `${kind ? code(`SHOW CREATE ${r.type.toUpperCase()} ${self}`) : "see the catalog"}), or accept that it ` +
      `reads the previous version. ${release}`,
    statements: [],
  };
}

function skippedItem(facts: ModelFacts, dryRun: boolean): ActionItem {
  const { entry } = facts;
  const model = code(entry.model);
  const why =
    entry.downstreamOf.length > 0
      ? `downstream of ${entry.downstreamOf.map(code).join(", ")}`
      : (facts.change?.reasons.map(text).join("; ") ?? "selected");
  const not = dryRun ? "will not be deployed" : "was not deployed";
  const fullRefresh = `or rebuild it with downtime: run the workflow with the inputs \`full-refresh: true\` and ${code(`models: ${entry.model}`)}`;
  let detail: string;
  if (entry.reason === "zero_downtime not enabled") {
    detail =
      `zero_downtime is not enabled for it (RisingWave cannot change an MV's query in place). Enable it in ` +
      `the model, ${code("{{ config(zero_downtime={'enabled': true}) }}")} (or the \`zero-downtime: all\` input), ${fullRefresh}.`;
  } else if (entry.reason.startsWith("deprecated materialization")) {
    detail = `${text(entry.reason)} gets no zero-downtime rebuild. Change it to ${code("materialized='materialized_view'")}, ${fullRefresh}.`;
  } else {
    detail = `${text(entry.reason)}.`;
  }
  if (entry.downstreamOf.length > 0) {
    detail += ` Until then it reads the previous version of ${entry.downstreamOf.map(code).join(", ")}.`;
  }
  return {
    severity: "warning",
    subject: entry.model,
    title: `⚠️ ${model} (${why}) ${not}`,
    detail,
    statements: [],
  };
}

function failureItem(facts: ModelFacts): ActionItem {
  const { entry, outcome, problem } = facts;
  const model = code(entry.model);
  if (!outcome && entry.problems.length > 0 && !problem) {
    return {
      severity: "error",
      subject: entry.model,
      title: `❌ ${model} (${code(entry.file)}): ${message(entry.problems[0] as string)}`,
      detail:
        (entry.problems.length > 1
          ? `Also: ${entry.problems.slice(1).map(message).join(" ")} `
          : "") + "Found before any DDL: the deploy stops before it starts until this is fixed.",
      statements: [],
    };
  }
  if (problem) {
    return {
      severity: "error",
      subject: entry.model,
      title: `❌ ${model} (${code(entry.file)}): RisingWave rejects the new SQL`,
      detail: `${message(problem.message)}. Fix it before merging: the deploy would fail on it.`,
      statements: [],
    };
  }
  // The executor's note says what the failure left; without one, the outcome does.
  const state =
    outcome?.note !== undefined
      ? `${message(outcome.note)}.`
      : facts.swapped
        ? "The new version is live; the previous one is kept under the temporary name."
        : "Its previous version is still live.";
  return {
    severity: "error",
    subject: entry.model,
    title: `❌ ${model} (${code(entry.file)}) failed: ${message(outcome?.error ?? "unknown error")}`,
    detail: `${state} Fix the cause and re-run the deploy.`,
    statements: [],
  };
}

/** A model that could not be rendered or planned, or that reads one: nothing ran for it. */
function cannotBeBuiltItem(failure: PlanFailure, dryRun: boolean): ActionItem {
  const where = `${failure.file}${failure.line ? `:${failure.line}` : ""}`;
  return {
    severity: "error",
    subject: failure.model,
    title: `❌ ${code(failure.model)} (${code(where)}) cannot be built: ${message(failure.message)}`,
    detail: `It ${dryRun ? "will not be" : "was not"} deployed; its previous version, if it has one, stays live. The other models do not wait for it.`,
    statements: [],
  };
}

/** After a partial deploy: go forward (re-run) or back (swap the previous versions in again). */
function recoveryItem(facts: ModelFacts[]): ActionItem | undefined {
  const notAttempted = facts.filter((model) => model.verdict === "not-attempted");
  const rollback = facts.filter((model) => model.swapped && model.keptTemp).reverse();
  if (notAttempted.length === 0 && rollback.length === 0) return undefined;
  const waiting = notAttempted.map((model) => code(model.entry.model)).join(", ");
  if (rollback.length === 0) {
    return {
      severity: "error",
      subject: "not attempted",
      title: `⏭️ Not attempted, still on their previous version: ${waiting}`,
      detail: "A re-run after the fix deploys them.",
      statements: [],
    };
  }
  const swapped = rollback.map((model) => code(model.entry.model)).join(", ");
  return {
    severity: "error",
    subject: "rollback",
    title: `↩️ This deploy stopped part-way: ${swapped} ${rollback.length === 1 ? "is" : "are"} on the new version`,
    detail:
      (notAttempted.length > 0
        ? `Not attempted, still on their previous version: ${waiting}. `
        : "") +
      "Go forward (fix and re-run), or back: swap the previous versions in again, leaf first, while they exist (the new versions then carry the temporary names):",
    statements: rollback.map((model) =>
      swapStatement(model.entry.target, model.keptTemp!.relation, deployedType(model.entry)),
    ),
  };
}

function leftInPlaceItems(result: DeployResult): ActionItem[] {
  const changeSet = result.requests.changeSet;
  if (!changeSet) return [];
  const base = result.requests.base;
  const items: ActionItem[] = changeSet.deleted.map((deleted) => {
    const relation = { schema: deleted.relation.schema, identifier: deleted.relation.identifier };
    return {
      severity: "warning",
      subject: deleted.model,
      title: `🗑️ ${code(deleted.model)} was deleted from the project; the ${text(deleted.type)} ${code(displayName(relation))} is left in place`,
      detail: "Nothing is dropped automatically. Once nothing reads it, drop it:",
      statements: [dropStatement(relation, deleted.type)],
    };
  });
  for (const renamed of changeSet.renamed) {
    const old = base?.models.get(renamed.from)?.relation;
    if (!old) continue;
    const relation = { schema: old.schema, identifier: old.identifier };
    items.push({
      severity: "warning",
      subject: renamed.from,
      title: `🗑️ ${code(renamed.from)} was renamed to ${code(renamed.to)}; the ${text(renamed.fromType)} ${code(displayName(relation))} is left in place`,
      detail:
        "The new name is created; nothing is dropped automatically. Once nothing reads the old one, drop it:",
      statements: [dropStatement(relation, renamed.fromType)],
    });
  }
  return items;
}

/** Everything that needs a person, errors first. */
export function actionItems(result: DeployResult, facts: ModelFacts[]): ActionItem[] {
  const dryRun = result.plan.dryRun;
  const items: ActionItem[] = result.plan.failed.map((failure) =>
    cannotBeBuiltItem(failure, dryRun),
  );
  for (const model of facts) {
    if (model.verdict === "invalid" || model.verdict === "failed") items.push(failureItem(model));
  }
  items.push(...setProblemItems(result));
  if (!dryRun) {
    const recovery = result.outcome?.failed ? recoveryItem(facts) : undefined;
    if (recovery) items.push(recovery);
  }
  for (const model of facts) {
    if (model.verdict === "not-applied") items.push(skippedItem(model, dryRun));
  }
  for (const model of facts) {
    for (const r of model.readers) items.push(readerItem(model, r, dryRun));
  }
  items.push(...leftInPlaceItems(result));
  return items;
}

/** Blocking problems that belong to no single model's SQL, e.g. a full refresh that cannot be validated. */
function setProblemItems(result: DeployResult): ActionItem[] {
  return result.blocking
    .filter((issue) => /full refresh refused before any DROP/.test(issue.message))
    .map((issue) => ({
      severity: "error",
      subject: issue.file ?? "full refresh",
      title: `❌ ${message(issue.message)}`,
      statements: [],
    }));
}
