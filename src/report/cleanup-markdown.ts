import { formatAge, type CleanupResult } from "../cleanup/run-cleanup.js";
import type { TempMv } from "../cleanup/find-temps.js";
import { dropStatement } from "../plan/relation-type.js";
import { displayName } from "../sql/quote.js";
import { cell, code, fence, readerList, text } from "./escape.js";

function row(temp: TempMv, why?: string): string {
  const name = `${code(displayName(temp.relation))}${temp.type === "view" ? " (view)" : ""}`;
  const cells = [name, code(temp.replaced), formatAge(temp.ageMs)];
  if (why !== undefined) cells.push(why);
  return `| ${cells.map(cell).join(" | ")} |`;
}

/** The cleanup job summary: what was (or would be) dropped, and why each other temp MV was kept. */
export function renderCleanupReport(result: CleanupResult): string {
  const scope = result.schema ? `schema ${code(result.schema)}` : "all user schemas";
  const lines = [
    `### RisingWave temporary MV cleanup: ${scope}`,
    "",
    result.dryRun
      ? `Dry run: nothing was dropped. ${result.dropped.length} of ${result.found.length} temporary MV(s) would be dropped.`
      : `Dropped ${result.dropped.length} of ${result.found.length} temporary MV(s); never with CASCADE.`,
    "",
  ];
  if (result.found.length > 0) {
    lines.push(
      "| Temporary MV | Replaced | Age | Read by |",
      "|---|---|---|---|",
      ...result.found.map((temp) =>
        row(
          temp,
          [readerList(temp.readers), temp.creating ? "still being created" : ""]
            .filter(Boolean)
            .join("; ") || "nothing",
        ),
      ),
      "",
    );
  }
  if (result.dropped.length > 0) {
    lines.push(
      result.dryRun ? "#### Would drop" : "#### Dropped",
      "",
      "| Temporary MV | Replaced | Age |",
      "|---|---|---|",
      ...result.dropped.map((temp) => row(temp)),
      "",
    );
  }
  const kept = [
    ...result.kept.map((entry) =>
      row(
        entry.temp,
        entry.error
          ? `DROP failed: ${text(entry.error)}`
          : entry.note
            ? text(entry.note)
            : `still read by ${readerList(entry.readers)}`,
      ),
    ),
    ...result.young.map((temp) => row(temp, "younger than `older-than`")),
  ];
  if (kept.length > 0) {
    lines.push(
      "#### Preserved",
      "",
      "| Temporary MV | Replaced | Age | Why kept |",
      "|---|---|---|---|",
      ...kept,
      "",
    );
    const manual = result.kept.filter((entry) => entry.readers.length > 0);
    if (manual.length > 0) {
      lines.push(
        "Once their readers are rebuilt or dropped, the next sweep removes them, or by hand:",
        "",
        fence(
          manual.map((entry) => `${dropStatement(entry.relation, entry.temp.type)};`).join("\n"),
          "sql",
        ),
        "",
      );
    }
  }
  if (result.found.length === 0) lines.push("No temporary MVs found.", "");
  return lines.join("\n");
}
