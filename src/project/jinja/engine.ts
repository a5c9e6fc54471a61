/**
 * The engine's entry points: parse a template once, render it in many contexts. Parsed
 * templates are cached by content, so the base and head revisions share them. Rendering walks
 * the tree: most templates render once or twice, and compiling them to closures first cost
 * more in allocation (and garbage collection) than it saved.
 */
import { ContentCache } from "../content-cache.js";
import {
  evaluate,
  Frame,
  isControlSignal,
  macroDefinition,
  type MacroDefinition,
  MacroReturn,
  renderBlock,
  RenderError,
} from "./interpreter.js";
import { TemplateSyntaxError } from "./errors.js";
import { JINJA_GLOBALS } from "./globals.js";
import { parseTemplate } from "./parser.js";
import type { Expr, Stmt } from "./nodes.js";
import { JinjaError, PyFloat, type RenderContext, str, type Value } from "./values.js";

export interface CompiledTemplate {
  file: string;
  source: string;
  render(context: RenderContext): string;
  /**
   * dbt's get_rendered: a text with none of Jinja's delimiters comes back as it is, without a
   * render (a trailing newline or a carriage return stays); anything else as `render`.
   */
  renderDbt(context: RenderContext): string;
  /**
   * dbt's native rendering (YAML values): a template that is one `{{ … }}` gives that
   * expression's value, anything else the rendered text.
   */
  renderNative(context: RenderContext): Value;
}

const compiled = new ContentCache<CompiledTemplate>();

/** dbt's _HAS_RENDER_CHARS_PAT (dbt/clients/jinja.py). */
const RENDER_CHARS = /\{[{%#]|[#}%]\}/;

/** Parses once per content; a syntax error is a TemplateSyntaxError with the file and line. */
export function compileTemplate(source: string, file: string): CompiledTemplate {
  return compiled.getOrCreate([file, source], () => compileUncached(source, file));
}

/**
 * Parses without keeping the tree: for a template that is usually rendered once (a model's parse
 * phase), so that its tree is garbage as soon as the render ends instead of living, and being
 * copied by every garbage collection, until the process exits.
 */
export function compileUncached(source: string, file: string): CompiledTemplate {
  const plain = !RENDER_CHARS.test(source);
  const nodes = parseTemplate(source, file).body;
  const lone = loneExpression(nodes);
  const marked = lone?.kind === "filter" && NATIVE_MARKERS.has(lone.name);
  const renderText = (context: RenderContext) => {
    try {
      return renderBlock(nodes, new Frame(undefined, context), file);
    } catch (error) {
      throw asRenderError(error, file);
    }
  };
  return {
    file,
    source,
    render: renderText,
    renderDbt: plain ? () => source : renderText,
    renderNative: (context) => {
      if (!lone) return renderText(context);
      try {
        const value = evaluate(lone, new Frame(undefined, context));
        return marked ? literalEval(str(value)) : value;
      } catch (error) {
        throw asRenderError(error, file);
      }
    },
  };
}

/** One `{% macro %}…{% endmacro %}` block of a macro file, starting at `firstLine` of `file`. */
export function compileMacro(source: string, file: string, firstLine: number): MacroDefinition {
  const body = parseTemplate(source, file, firstLine).body;
  const macro = body.find((node) => node.kind === "macro");
  if (!macro || macro.kind !== "macro") {
    throw new TemplateSyntaxError("expected a macro block", file, firstLine);
  }
  return macroDefinition(macro.name, macro.params, macro.body, macro.line, file);
}

/** dbt's filters that ask native rendering to read the text as a Python literal. */
const NATIVE_MARKERS = new Set(["as_native", "as_number", "as_bool"]);

function loneExpression(nodes: Stmt[]): Expr | undefined {
  const [only] = nodes;
  if (nodes.length !== 1 || only?.kind !== "output" || only.nodes.length !== 1) return undefined;
  const [node] = only.nodes;
  return node && node.kind !== "data" ? node : undefined;
}

/** Python's ast.literal_eval for the literals YAML values hold: numbers, booleans, None, strings. */
function literalEval(text: string): Value {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$/.test(trimmed))
    return new PyFloat(Number(trimmed));
  if (trimmed === "True") return true;
  if (trimmed === "False") return false;
  if (trimmed === "None") return null;
  const quoted = /^(['"])(.*)\1$/s.exec(trimmed);
  return quoted ? quoted[2]! : text;
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
