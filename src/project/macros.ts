import { ProjectError } from "./errors.js";
import { DbtInterpreter } from "./jinja/interpreter.js";
import { type Environment, Environment as JinjaEnvironment } from "./jinja/package-types.js";
import type { RuntimeValue } from "./jinja/runtime-values.js";
import { compileTemplate, findInTags, type Template } from "./jinja/template.js";
import { renderingError } from "./render.js";

export interface MacroLibrary {
  /** Globals plus every project macro; model scopes are created below it. */
  env: Environment;
  /** Macro templates by file, to locate errors inside macros. */
  templates: Map<string, Template>;
  get(name: string): RuntimeValue | undefined;
}

/**
 * Compiles each macro file once. Macros run in the scope of whoever calls them (as in dbt, where
 * a macro sees the calling model's `this`, `ref` and `config`), so one definition serves every model.
 */
export function loadMacros(
  files: { file: string; text: string }[],
  globals: Environment,
): MacroLibrary {
  const env = new JinjaEnvironment(globals);
  const templates = new Map<string, Template>();
  const definedIn = new Map<string, string>();
  for (const { file, text } of files) {
    const template = compileTemplate(text, file);
    templates.set(file, template);
    for (const node of template.program.body) {
      if (node.type !== "Macro") continue;
      const name = (node as unknown as { name: { value: string } }).name.value;
      const earlier = definedIn.get(name);
      if (earlier !== undefined) {
        throw new ProjectError(
          `macro ${name} is defined twice (also in ${earlier}).`,
          { file, line: findInTags(text, new RegExp(`macro\\s+${name}\\b`)) },
          "Rename or remove one of them.",
        );
      }
      definedIn.set(name, file);
    }
    try {
      new DbtInterpreter(env, template).render();
    } catch (error) {
      throw renderingError(error, { file, sources: templates });
    }
  }
  return {
    env,
    templates,
    get: (name) => (definedIn.has(name) ? env.variables.get(name) : undefined),
  };
}
