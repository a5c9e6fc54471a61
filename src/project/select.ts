import { closeMatches } from "./resolve/close-matches.js";
import { downstreamClosure } from "./resolve/graph.js";
import type { DbtProject } from "./types.js";

/** The `models` input named something the project does not have. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

/**
 * The `models` input: names separated by commas or newlines, `name+` for the model and everything
 * downstream of it, `all` for every model. Returns names in topological order.
 */
export function selectModels(project: DbtProject, spec: string): string[] {
  const terms = spec
    .split(/[,\n]/)
    .map((term) => term.trim())
    .filter((term) => term !== "");
  if (terms.length === 0) throw new SelectionError("The models selection is empty.");
  const selected = new Set<string>();
  const unknown: string[] = [];
  for (const term of terms) {
    if (term === "all") {
      for (const name of project.order) selected.add(name);
      continue;
    }
    const downstream = term.endsWith("+");
    const name = downstream ? term.slice(0, -1).trim() : term;
    if (!project.models.has(name)) {
      unknown.push(name);
      continue;
    }
    const names = downstream ? downstreamClosure(project, [name]) : [name];
    for (const each of names) selected.add(each);
  }
  if (unknown.length > 0) {
    const details = unknown.map((name) => {
      const close = closeMatches(name, project.models.keys());
      return close.length > 0 ? `'${name}' (did you mean ${close.join(", ")}?)` : `'${name}'`;
    });
    throw new SelectionError(
      `The models input names models that are not in the dbt project: ${details.join("; ")}.`,
    );
  }
  return project.order.filter((name) => selected.has(name));
}
