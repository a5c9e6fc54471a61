// Small text helpers shared by the bench parts and the report.

export function firstLine(error) {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/** The last non-empty lines of an action log, on one line. */
export function logTail(log, lines = 3) {
  return log
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("::add-mask::"))
    .slice(-lines)
    .join(" | ");
}

export function oneLine(sql) {
  return sql.replace(/\s+/g, " ").trim();
}

export const count = (n) => n.toLocaleString("en-US");

export const percent = (ratio) => `${Math.round(ratio * 100)}%`;

export function ms(value) {
  if (value === undefined) return "—";
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

const FIGURE = /^(—|[\d.,]+( ms| s| MB)?|×[\d.]+ for ×[\d.]+)$/;

/** A plain-text table: the first row is the header; columns of figures are right-aligned. */
export function table(rows, indent = "  ") {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const numeric = rows[0].map((_, c) => rows.slice(1).every((row) => FIGURE.test(String(row[c]))));
  const line = (row) =>
    indent +
    row
      .map((cell, c) =>
        c === 0 || !numeric[c] ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
      )
      .join("   ")
      .trimEnd();
  return [
    line(rows[0]),
    indent + widths.map((w) => "─".repeat(w)).join("   "),
    ...rows.slice(1).map(line),
  ].join("\n");
}
