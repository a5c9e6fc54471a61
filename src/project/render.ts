import { ProjectError } from "./errors.js";
import {
  DbtInterpreter,
  MacroReturn,
  TemplateFunctionError,
  templateFileOf,
  UndefinedOutputError,
  UnsupportedCallError,
} from "./jinja/interpreter.js";
import type { Environment } from "./jinja/package-types.js";
import { findLine, type Template } from "./jinja/template.js";

const UNSUPPORTED_FIX =
  "Templates can use ref, source, config, var, env_var, this, target, is_incremental, return, " +
  "log and the project's own macros (macro-paths); dbt packages, adapter calls and queries are " +
  "not available here. Define the macro in the project or inline its SQL.";

export interface RenderSite {
  /** The file being rendered (model or hook owner). */
  file: string;
  /** Templates an error may come from (the project's macros), by file. */
  sources: Map<string, Template>;
  /** Added to messages whose culprit is a macro file, so the model is named too. */
  modelName?: string;
}

/** Renders a template in a scope, turning every failure into a ProjectError at the right file. */
export function renderTemplate(template: Template, env: Environment, site: RenderSite): string {
  try {
    return new DbtInterpreter(env, template).render();
  } catch (error) {
    throw renderingError(error, { ...site, sources: withTemplate(site.sources, template) });
  }
}

function withTemplate(sources: Map<string, Template>, template: Template): Map<string, Template> {
  return new Map([...sources, [template.file, template]]);
}

export function renderingError(error: unknown, site: RenderSite): ProjectError {
  if (error instanceof ProjectError) return error;
  const file =
    error instanceof UnsupportedCallError || error instanceof UndefinedOutputError
      ? error.file
      : (templateFileOf(error) ?? site.file);
  const source = site.sources.get(file)?.source ?? "";
  const via =
    site.modelName && file !== site.file
      ? ` (while rendering model ${site.modelName}, ${site.file})`
      : "";
  if (error instanceof UnsupportedCallError) {
    return new ProjectError(
      `unsupported Jinja: '${error.callee}' is not a dbt builtin we provide nor a project macro${via}.`,
      { file, line: findLine(source, error.callee, true) },
      UNSUPPORTED_FIX,
    );
  }
  if (error instanceof UndefinedOutputError) {
    return new ProjectError(
      `'${error.expression}' is undefined${via}.`,
      { file, line: findLine(source, error.expression.split(/[.[]/)[0] ?? "") },
      "Define it (a var, a {% set %}, a macro argument) or guard it with `is defined`.",
    );
  }
  if (error instanceof TemplateFunctionError) {
    return new ProjectError(
      `${error.message}${via}`,
      { file, line: findLine(source, error.callee, true) },
      error.fix,
    );
  }
  if (error instanceof MacroReturn) {
    return new ProjectError(`return() used outside a macro${via}.`, {
      file,
      line: findLine(source, "return", true),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProjectError(`Jinja error: ${message}${via}.`, { file });
}
