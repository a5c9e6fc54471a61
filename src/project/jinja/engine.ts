/**
 * The engine's entry points: compile a template once, render it in many contexts. Compiled
 * templates are cached by content, so the base and head revisions share them.
 */
import { ContentCache } from "../content-cache.js";
import {
  Compiler,
  Frame,
  type MacroDefinition,
  RenderError,
  isControlSignal,
  MacroReturn,
} from "./compile.js";
import { TemplateSyntaxError } from "./errors.js";
import { JINJA_GLOBALS } from "./globals.js";
import { parseTemplate } from "./parser.js";
import { JinjaError, type RenderContext, type Value } from "./values.js";

export interface CompiledTemplate {
  file: string;
  source: string;
  render(context: RenderContext): string;
}

const compiled = new ContentCache<CompiledTemplate>();

/** Parses and compiles; a syntax error is a TemplateSyntaxError with the file and line. */
export function compileTemplate(source: string, file: string): CompiledTemplate {
  return compiled.getOrCreate(`${file}\0${source}`, () => {
    const body = new Compiler(file).block(parseTemplate(source, file).body);
    return {
      file,
      source,
      render: (context) => {
        try {
          return body(new Frame(undefined, context));
        } catch (error) {
          throw asRenderError(error, file);
        }
      },
    };
  });
}

/** One `{% macro %}…{% endmacro %}` block of a macro file, starting at `firstLine` of `file`. */
export function compileMacro(source: string, file: string, firstLine: number): MacroDefinition {
  const body = parseTemplate(source, file, firstLine).body;
  const macro = body.find((node) => node.kind === "macro");
  if (!macro || macro.kind !== "macro") {
    throw new TemplateSyntaxError("expected a macro block", file, firstLine);
  }
  return new Compiler(file).macro(macro.name, macro.params, macro.body, macro.line);
}

function asRenderError(error: unknown, file: string): unknown {
  if (error instanceof RenderError) return error;
  if (error instanceof MacroReturn) {
    return new RenderError(
      new JinjaError("TemplateRuntimeError", "return() used outside a macro"),
      file,
      0,
    );
  }
  if (isControlSignal(error)) {
    return new RenderError(
      new JinjaError("TemplateRuntimeError", "break or continue outside a loop"),
      file,
      0,
    );
  }
  return error;
}

/** Jinja2's globals, for contexts to fall back to. */
export function jinjaGlobal(name: string): Value | undefined {
  return Object.hasOwn(JINJA_GLOBALS, name) ? JINJA_GLOBALS[name] : undefined;
}
