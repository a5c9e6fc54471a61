import { EnvVarError, TemplateCompilerError, VarMissingError } from "../context/builtins.js";
import { ProjectError } from "../errors.js";
import { RenderError } from "../jinja/interpreter.js";
import { TemplateSyntaxError } from "../jinja/errors.js";
import { JinjaError } from "../jinja/values.js";

/** Where a render was started, to name the model when the failure is in a macro. */
export interface RenderSite {
  file: string;
  modelName?: string;
}

/** Any failure of a render as a ProjectError at the innermost template location. */
export function renderingError(error: unknown, site: RenderSite): ProjectError {
  if (error instanceof ProjectError) return error;
  if (error instanceof TemplateSyntaxError) {
    return new ProjectError(`Jinja syntax error: ${error.message}.`, {
      file: error.file,
      line: error.line,
    });
  }
  if (!(error instanceof RenderError)) {
    if (error instanceof Error && !(error instanceof JinjaError)) throw error;
    return new ProjectError(`${describe(error)}${via(site, site.file)}.`, { file: site.file });
  }
  const cause = error.cause;
  if (cause instanceof ProjectError) {
    return new ProjectError(
      `${cause.problem.replace(/\.$/, "")}${via(site, cause.file)}.`,
      cause,
      cause.fix,
    );
  }
  const where = { file: error.file, line: error.line || undefined };
  const calls = error.calls
    .map((call) => ` in macro ${call.macro} called at ${call.file}:${call.line}`)
    .join(",");
  const message = `${describe(cause)}${calls ? ` (${calls.trim()})` : ""}${via(site, error.file)}`;
  return new ProjectError(`${message.replace(/\.$/, "")}.`, where, fixFor(cause));
}

function via(site: RenderSite, file: string): string {
  return site.modelName && file !== site.file
    ? ` (while rendering model ${site.modelName}, ${site.file})`
    : "";
}

function describe(error: unknown): string {
  if (error instanceof TemplateCompilerError)
    return `compiler error raised by the template: ${error.message}`;
  if (error instanceof JinjaError) {
    return error.type === "UndefinedError" ||
      error.type === "CompilationError" ||
      error.type === "TypeError"
      ? error.message
      : `${error.type}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function fixFor(error: unknown): string | undefined {
  if (error instanceof VarMissingError) {
    return `Add it to the \`vars\` input or to vars in dbt_project.yml, or give var('${error.varName}', <default>).`;
  }
  if (error instanceof EnvVarError) return error.fix;
  if (
    error instanceof JinjaError &&
    error.type === "UndefinedError" &&
    /is undefined$/.test(error.message)
  ) {
    return "dbt packages must be installed first (run `dbt deps` before this action); otherwise define the name in the project.";
  }
  return undefined;
}
