import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";

export interface ActionMetadata {
  /** `runs.main`, relative to the action's folder. */
  main: string | undefined;
  /** Declared input name → its `default` text ("" when it has none, as the runner treats it). */
  inputs: Map<string, string>;
}

/** Reads action.yml as the runner does; undefined while the project has none yet. */
export function readActionMetadata(file: string): ActionMetadata | undefined {
  if (!existsSync(file)) return undefined;
  // The failsafe schema keeps every scalar as its source text: `default: 1.0` stays "1.0", not 1.
  const doc = (parse(readFileSync(file, "utf8"), { schema: "failsafe" }) ?? {}) as {
    runs?: { main?: string };
    inputs?: Record<string, { default?: string | null } | null>;
  };
  const inputs = new Map<string, string>();
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    inputs.set(name, spec?.default ?? "");
  }
  return { main: doc.runs?.main, inputs };
}

export type ExpressionContexts = Record<"github" | "runner", Record<string, string>>;

/**
 * Evaluates the `${{ … }}` parts of an input default. Only property look-ups such as
 * `github.token` are supported; anything else throws, because guessing would let a test pass with a
 * value GitHub would never produce.
 */
export function evaluateDefault(template: string, contexts: ExpressionContexts): string {
  return template.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_whole, expression: string) => {
    const lookup = /^(github|runner)\.([A-Za-z_][\w-]*)$/.exec(expression);
    const value = lookup && contexts[lookup[1] as keyof ExpressionContexts][lookup[2]!];
    if (value === undefined || value === null) {
      throw new Error(
        `action.yml default "${template}" uses \${{ ${expression} }}, which the test runner does not provide`,
      );
    }
    return value;
  });
}

/** The environment variable the runner gives a node action for an input: spaces → "_", upper case, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}
