import type { KeptTemp } from "../cleanup/drop-unread.js";
import type { DeployResult } from "../deploy/run-deploy.js";
import { deployedType, dropStatement, swapStatement } from "../plan/relation-type.js";
import { displayName } from "../sql/quote.js";
import { code, fence, readerList, text } from "./escape.js";
import type { ModelFacts } from "./model-facts.js";

function duration(ms?: number): string {
  if (ms === undefined) return "";
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/**
 * Leaf first, the kept temps that can go now: nothing reads them but kept temps that go before.
 * (The outcome lists them leaf first already.)
 */
function droppableNow(kept: KeptTemp[]): KeptTemp[] {
  const gone = new Set<string>();
  const names = new Set(kept.map((temp) => displayName(temp.relation)));
  const droppable: KeptTemp[] = [];
  for (const temp of kept) {
    if (temp.error) continue;
    const blocked = temp.readers.some((reader) => {
      const name = `${reader.schema}.${reader.name}`;
      return !(names.has(name) && gone.has(name));
    });
    if (blocked) continue;
    gone.add(displayName(temp.relation));
    droppable.push(temp);
  }
  return droppable;
}

function keptWhy(
  temp: KeptTemp,
  model: ModelFacts | undefined,
  planTemps: Map<string, string>,
): string {
  if (temp.error) return `kept: ${text(temp.error)}`;
  const outside = temp.readers.filter(
    (reader) => !planTemps.has(`${reader.schema}.${reader.name}`),
  );
  const inside = temp.readers.flatMap((reader) => {
    const owner = planTemps.get(`${reader.schema}.${reader.name}`);
    return owner ? [owner] : [];
  });
  const parts: string[] = [];
  if (outside.length > 0) parts.push(`still read by ${readerList(outside)} (see Action required)`);
  if (inside.length > 0) {
    parts.push(
      `read by the previous version of ${inside.map(code).join(", ")} (also kept), so it goes after that one`,
    );
  }
  if (temp.readers.length === 0) {
    parts.push(
      model?.entry.immediateCleanup
        ? "nothing reads it"
        : "kept for a rollback: `immediate_cleanup` is off, and nothing reads it",
    );
  }
  return parts.join("; ");
}

function preservedSection(result: DeployResult, facts: ModelFacts[]): string[] {
  const kept = result.outcome?.preservedTemps ?? [];
  if (kept.length === 0) return [];
  const planTemps = new Map(
    facts.flatMap((model) =>
      model.entry.temp ? [[displayName(model.entry.temp), model.entry.model]] : [],
    ),
  ) as Map<string, string>;
  const byTemp = new Map(
    facts.flatMap((model) => (model.entry.temp ? [[displayName(model.entry.temp), model]] : [])),
  ) as Map<string, ModelFacts>;
  const lines = ["**Previous versions kept** under their temporary names:", ""];
  for (const temp of kept) {
    const name = displayName(temp.relation);
    lines.push(`- ${code(name)}: ${keptWhy(temp, byTemp.get(name), planTemps)}`);
  }
  lines.push("");
  const rollback = kept.flatMap((temp) => {
    const model = byTemp.get(displayName(temp.relation));
    return model?.swapped
      ? [swapStatement(model.entry.target, temp.relation, deployedType(model.entry))]
      : [];
  });
  if (rollback.length > 0) {
    lines.push(
      "Roll back to the previous versions (while they exist), leaf first:",
      "",
      fence(rollback.map((sql) => `${sql};`).join("\n"), "sql"),
      "",
    );
  }
  const drops = droppableNow(kept);
  if (drops.length > 0) {
    lines.push(
      "The scheduled cleanup (`mode: cleanup`) drops them once nothing reads them; to drop the unread ones now, in this order:",
      "",
      fence(
        drops
          .map((temp) => {
            const model = byTemp.get(displayName(temp.relation));
            const type = model ? deployedType(model.entry) : "materialized view";
            return `${dropStatement(temp.relation, type)};`;
          })
          .join("\n"),
        "sql",
      ),
      "",
    );
  }
  return lines;
}

/** Relations, temporary names and durations: what the table leaves out. */
function perModel(result: DeployResult, facts: ModelFacts[]): string[] {
  const dryRun = result.plan.dryRun;
  const rows = facts.map((model) => {
    const parts = [`${code(model.entry.model)} → ${code(displayName(model.entry.target))}`];
    if (model.entry.temp) {
      parts.push(
        `${dryRun ? "built as" : "new version built as"} ${code(model.entry.temp.identifier)}`,
      );
    }
    const took = duration(model.outcome?.durationMs);
    if (took) parts.push(took);
    return `- ${parts.join(", ")}`;
  });
  return [
    `<details><summary>Relations${dryRun ? " and temporary names (stamped again at deploy)" : ", temporary names and durations"}</summary>`,
    "",
    ...rows,
    "",
    "</details>",
    "",
  ];
}

/**
 * The plan's own warnings that no action item already carries: readers (their items), and the
 * reason a model is skipped (its item), are left out.
 */
function modelWarnings(facts: ModelFacts[]): string[] {
  return facts.flatMap((model) =>
    model.entry.action === "skip"
      ? []
      : model.entry.warnings.filter(
          (warning) => !/ still reads the previous version of /.test(warning),
        ),
  );
}

function otherWarnings(result: DeployResult): string[] {
  const changeSet = result.requests.changeSet;
  // Deleted and renamed models have their own action items; the change set's other findings stay.
  return changeSet ? changeSet.warnings : result.requests.warnings;
}

/** Everything below the changes: kept temps, names and times, checks left for later, warnings. */
export function detailsSection(result: DeployResult, facts: ModelFacts[], full: boolean): string {
  if (result.plan.models.length === 0 && otherWarnings(result).length === 0) return "";
  const lines: string[] = ["#### Details", ""];
  if (!full) {
    const kept = result.outcome?.preservedTemps.length ?? 0;
    if (kept === 0) return "";
    lines.push(
      `${kept} previous version(s) kept under temporary names: the \`preserved-temp-mvs\` output lists them.`,
      "",
    );
    return lines.join("\n");
  }
  lines.push(...preservedSection(result, facts));
  const dropped = result.outcome?.droppedTemps ?? [];
  if (dropped.length > 0) {
    lines.push(
      `Previous versions dropped: ${dropped.map((relation) => code(displayName(relation))).join(", ")}`,
      "",
    );
  }
  const unchecked = result.validation?.unchecked ?? [];
  if (unchecked.length > 0) {
    lines.push("**Checked only after their changed upstream is deployed:**", "");
    for (const problem of unchecked) {
      lines.push(`- ${code(problem.model)}: today's database says: ${text(problem.message)}`);
    }
    lines.push("");
  }
  const carried = facts.filter((model) => model.entry.carriedOver.length > 0);
  if (carried.length > 0) {
    lines.push("**Carried over from the live MVs** (not in the dbt config):", "");
    for (const model of carried) {
      const items = model.entry.carriedOver.map((item) => `${item.kind} ${item.detail}`);
      lines.push(`- ${code(model.entry.model)}: ${text(items.join("; "))}`);
    }
    lines.push("");
  }
  const notChecked = [
    ...facts.flatMap((model) => model.entry.unchecked.map((note) => [model.entry.model, note])),
    ...(result.validation?.notes ?? []).map((note) => [note.model, note.message]),
  ];
  if (notChecked.length > 0) {
    lines.push("**Not checked before the deploy:**", "");
    for (const [model, note] of notChecked) lines.push(`- ${code(model!)}: ${text(note!)}`);
    lines.push("");
  }
  const warnings = [...otherWarnings(result), ...modelWarnings(facts)];
  if (warnings.length > 0) {
    lines.push("**Warnings:**", "", ...warnings.map((warning) => `- ⚠️ ${text(warning)}`), "");
  }
  if (facts.length > 0) lines.push(...perModel(result, facts));
  return lines.join("\n");
}
