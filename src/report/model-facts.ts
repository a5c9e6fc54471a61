import type { ModelChange } from "../changes/types.js";
import type { KeptTemp } from "../cleanup/drop-unread.js";
import type { ModelOutcome } from "../deploy/outcome.js";
import type { DeployResult } from "../deploy/run-deploy.js";
import type { ValidationProblem } from "../deploy/validate-plan.js";
import type { PlannedModel, Reader } from "../plan/types.js";
import { displayName, type QualifiedName } from "../sql/quote.js";

/** Why a model is in the plan, as a reviewer sorts it. */
export type Cause = "changed" | "config" | "new" | "renamed" | "selected" | "downstream";

/** What became (or will become) of one model; every section of the report reads these. */
export type Verdict =
  | "valid"
  | "unchecked"
  | "offline"
  | "invalid"
  | "applied"
  | "failed"
  | "not-attempted"
  | "not-applied";

export interface ModelFacts {
  entry: PlannedModel;
  cause: Cause;
  /** From the change set, when the plan came from a diff. */
  change?: ModelChange;
  verdict: Verdict;
  outcome?: ModelOutcome;
  /** Dry run: what EXPLAIN said, when it rejected the SQL (or could not check it yet). */
  problem?: ValidationProblem;
  /** The new version is live under the model's name. */
  swapped: boolean;
  /** The previous version, still there under the temporary name after the deploy. */
  keptTemp?: KeptTemp;
  /** Objects outside this plan that read (or, in a dry run, will read) the previous version. */
  readers: Reader[];
}

const CONFIG_ONLY = /^(config |description changed|column descriptions changed)/;

function causeOf(entry: PlannedModel, change: ModelChange | undefined): Cause {
  if (entry.downstreamOf.length > 0) return "downstream";
  if (!change) return "selected";
  if (change.kind === "added") return change.baseSql === undefined ? "new" : "renamed";
  return change.reasons.every((reason) => CONFIG_ONLY.test(reason)) ? "config" : "changed";
}

function verdictOf(
  result: DeployResult,
  entry: PlannedModel,
  outcome: ModelOutcome | undefined,
  problem: ValidationProblem | undefined,
  unchecked: boolean,
): Verdict {
  if (entry.action === "skip") return "not-applied";
  if (!result.outcome && entry.problems.length > 0) return "invalid";
  if (result.plan.dryRun) {
    if (problem) return "invalid";
    if (!result.validation) return "offline";
    return unchecked ? "unchecked" : "valid";
  }
  switch (outcome?.status) {
    case "applied":
      return "applied";
    case "failed":
      return "failed";
    case "skipped":
      return "not-applied";
    default:
      return "not-attempted";
  }
}

const sameName = (a: QualifiedName, b: QualifiedName) =>
  a.schema === b.schema && a.identifier === b.identifier;

/** One pass over the result: the plan, the change set, the validation and the outcome, per model. */
export function modelFacts(result: DeployResult): ModelFacts[] {
  const changes = new Map(
    (result.requests.changeSet?.changed ?? []).map((change) => [change.model, change]),
  );
  const outcomes = new Map((result.outcome?.models ?? []).map((model) => [model.model, model]));
  const problems = new Map(
    (result.validation?.problems ?? []).map((problem) => [problem.model, problem]),
  );
  const unchecked = new Map(
    (result.validation?.unchecked ?? []).map((problem) => [problem.model, problem]),
  );
  const swapped = result.outcome?.swapped ?? [];
  const kept = result.outcome?.preservedTemps ?? [];
  // After a deploy, this plan's own temps read each other (the previous downstream version reads
  // the previous upstream version) and drain together; a model of the plan that failed or was not
  // attempted still reads a previous upstream version, which its own failure item explains.
  const ofThisPlan = new Set(
    result.plan.models.flatMap((entry) => [
      displayName(entry.target),
      ...(entry.temp ? [displayName(entry.temp)] : []),
    ]),
  );

  return result.plan.models.map((entry): ModelFacts => {
    const change = changes.get(entry.model);
    const outcome = outcomes.get(entry.model);
    const problem = problems.get(entry.model) ?? unchecked.get(entry.model);
    const isSwapped = swapped.some((name) => sameName(name, entry.target));
    const keptTemp = entry.temp
      ? kept.find((temp) => sameName(temp.relation, entry.temp!))
      : undefined;
    const before = result.plan.dryRun
      ? entry.action === "zero-downtime"
        ? entry.readers
        : []
      : isSwapped
        ? (keptTemp?.readers ?? [])
        : [];
    const readers = before.filter((r) => !ofThisPlan.has(`${r.schema}.${r.name}`));
    return {
      entry,
      cause: causeOf(entry, change),
      change,
      verdict: verdictOf(
        result,
        entry,
        outcome,
        problems.get(entry.model),
        unchecked.has(entry.model),
      ),
      outcome,
      problem,
      swapped: isSwapped,
      keptTemp,
      readers,
    };
  });
}
