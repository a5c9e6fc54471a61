/**
 * Jinja inside YAML, rendered where dbt renders it (dbt/config/renderer.py,
 * dbt/parser/schema_renderer.py): dbt_project.yml except `vars`, run hooks and model hooks;
 * properties files except descriptions, tests and hooks. dbt renders these natively: a value that
 * is one `{{ … }}` keeps its type (`{{ target.name == 'prod' }}` is a boolean).
 */
import { compileTemplate } from "../jinja/engine.js";
import { PyFloat, type RenderContext, toJs } from "../jinja/values.js";
import { isRecord } from "./yaml.js";

export type Keypath = (string | number)[];

const RENDER_CHARS = /\{[{%#]|[#}%]\}/;

/**
 * Renders every string of `value` whose keypath `shouldRender` accepts; keys stay as written. A
 * part with nothing to render comes back as it is (parsed YAML is frozen, so sharing it is safe):
 * most of a properties file is descriptions and names, and copying it all cost more than the rest
 * of reading it.
 */
export function renderYamlTree(
  value: unknown,
  shouldRender: (keypath: Keypath) => boolean,
  render: (text: string, keypath: Keypath) => unknown,
): unknown {
  // One keypath, extended and shortened on the way; `render` gets its own copy.
  const keypath: Keypath = [];
  const visit = (node: unknown): unknown => {
    if (!shouldRender(keypath)) return node;
    if (typeof node === "string") {
      return RENDER_CHARS.test(node) ? render(node, [...keypath]) : node;
    }
    if (Array.isArray(node)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        keypath.push(i);
        const item = visit(node[i]);
        keypath.pop();
        if (item !== node[i]) (out ??= node.slice())[i] = item;
      }
      return out ?? node;
    }
    if (isRecord(node)) {
      let out: Record<string, unknown> | undefined;
      for (const key of Object.keys(node)) {
        keypath.push(key);
        const item = visit(node[key]);
        keypath.pop();
        if (item !== node[key]) (out ??= { ...node })[key] = item;
      }
      return out ?? node;
    }
    return node;
  };
  return visit(value);
}

/** dbt's native rendering: the value of a lone expression, else the rendered text. */
export function renderNative(text: string, file: string, context: RenderContext): unknown {
  const template = compileTemplate(text, file);
  const value = template.renderNative(context);
  return value instanceof PyFloat ? value : toJs(value);
}

/** Project-file keys dbt leaves for run time. */
export function renderedInProjectFile(keypath: Keypath): boolean {
  const [first] = keypath;
  if (first === undefined) return true;
  if (
    first === "on-run-start" ||
    first === "on-run-end" ||
    first === "query-comment" ||
    first === "vars"
  ) {
    return false;
  }
  if (["models", "seeds", "snapshots", "tests", "data_tests", "sources"].includes(String(first))) {
    const parts = keypath.map((part) =>
      typeof part === "string" ? part.replace(/^[+ ]+/, "") : part,
    );
    if (
      parts.some(
        (part) =>
          part === "pre-hook" ||
          part === "post-hook" ||
          part === "pre_hook" ||
          part === "post_hook",
      )
    ) {
      return false;
    }
  }
  return true;
}

const NOT_RENDERED = new Set(["tests", "data_tests", "description", "loaded_at_query"]);

/** Properties-file keys dbt renders later (descriptions, tests) or never here (hooks). */
function renderedInEntry(keypath: Keypath): boolean {
  if (keypath.length >= 1 && NOT_RENDERED.has(String(keypath[0]))) return false;
  if (keypath.length === 2 && NOT_RENDERED.has(String(keypath[1]))) return false;
  if (
    keypath.length >= 2 &&
    keypath[0] === "config" &&
    ["pre_hook", "post_hook", "pre-hook", "post-hook", "loaded_at_query"].includes(
      String(keypath[1]),
    )
  ) {
    return false;
  }
  if (keypath.length >= 3 && keypath[0] === "columns" && NOT_RENDERED.has(String(keypath[2])))
    return false;
  return true;
}

/** Which parts of a properties-file entry (a model, a seed, a source) dbt renders. */
export function renderedInProperties(kind: string, keypath: Keypath): boolean {
  if (keypath.length < 1) return true;
  if (kind === "sources") {
    if (keypath[0] === "description" || keypath[0] === "loaded_at_query") return false;
    if (keypath.length >= 2 && keypath[0] === "config" && keypath[1] === "loaded_at_query")
      return false;
    if (keypath[0] === "tables" && !renderedInEntry(keypath.slice(2))) return false;
    return true;
  }
  return renderedInEntry(keypath);
}
