import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./reference/render_templates.py", import.meta.url));

export type Reference = { output: string } | { error: string };

/** Renders each template with Python's Jinja2 in dbt's environment (one python3 process). */
export function renderWithPython(cases: { template: string; context?: unknown }[]): Reference[] {
  const stdout = execFileSync("python3", [script], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Reference[];
}
