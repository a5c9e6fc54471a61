import { existsSync, readFileSync } from "node:fs";

/**
 * @actions/github parses GITHUB_EVENT_PATH when it is first imported, and a malformed file throws
 * a bare SyntaxError before any of this action's code runs. This module is imported first (see
 * index.ts; ES modules are evaluated in import order), checks the file, and hides a bad one from
 * the toolkit, so the run fails later with one line that names the cause.
 */
function checkEventFile(env: NodeJS.ProcessEnv): string | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return (
      `The event file GITHUB_EVENT_PATH (${path}) is not valid JSON (${(error as Error).message}); ` +
      "the runner writes it, so it was replaced or damaged before this step. Remove whatever writes it."
    );
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return (
      `The event file GITHUB_EVENT_PATH (${path}) holds ${payload === null ? "null" : `a ${Array.isArray(payload) ? "list" : typeof payload}`}, ` +
      "not an event object; the runner writes it, so it was replaced before this step. Remove whatever writes it."
    );
  }
  return undefined;
}

const problem = checkEventFile(process.env);
if (problem !== undefined) delete process.env.GITHUB_EVENT_PATH;

/** Why the event file could not be used, if it could not. */
export function eventFileProblem(): string | undefined {
  return problem;
}
