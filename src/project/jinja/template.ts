import { ContentCache } from "../content-cache.js";
import { ProjectError } from "../errors.js";
import { escapeRegExp, lineAt } from "../text-position.js";
import { type AstNode, parse, type Program, tokenize } from "./package-types.js";

/** The package does not export its AST classes; we only read their `type` and fields. */
type Fields = Record<string, unknown> & { type: string };

/** A parsed template and where it came from. */
export interface Template {
  file: string;
  source: string;
  program: Program;
}

/**
 * Expressions written as `{{ … }}`. Printing an undefined value there is an error (dbt would print
 * nothing, silently dropping that piece of SQL), while `x is defined` and `if x` may still probe it.
 */
const OUTPUT_NODES = new WeakSet<object>();

export function isOutputNode(node: AstNode): boolean {
  return OUTPUT_NODES.has(node);
}

/** Blocks whose bodies are written to the output; their other fields are expressions. */
const BODY_FIELDS: Record<string, string[]> = {
  Program: ["body"],
  If: ["body", "alternate"],
  For: ["body", "defaultBlock"],
  Macro: ["body"],
  Set: ["body"],
  CallStatement: ["body"],
  FilterStatement: ["body"],
};
const NOT_OUTPUT = new Set([...Object.keys(BODY_FIELDS), "Break", "Continue", "Comment"]);

/**
 * Parses with Jinja's default whitespace handling, as dbt does (no trim_blocks/lstrip_blocks).
 * `{% do x %}` (a jinja2 extension dbt enables, unknown to the parser) becomes an assignment to a
 * throwaway name, which evaluates `x` the same way and renders nothing.
 */
export function compileTemplate(source: string, file: string): Template {
  return compiled.getOrCreate(`${file}\0${source}`, () => compile(source, file));
}

const compiled = new ContentCache<Template>();

function compile(source: string, file: string): Template {
  const rewritten = source.replace(/\{%(-?)(\s*)do(\s)/g, "{%$1$2set __dbt_do__ =$3");
  let program: Program;
  try {
    program = parse(tokenize(rewritten, { lstrip_blocks: false, trim_blocks: false }));
  } catch (error) {
    throw new ProjectError(
      `Jinja syntax error: ${(error as Error).message}.`,
      { file },
      "Fix the template syntax (tags supported: set, if, for, macro, call, filter, do).",
    );
  }
  markOutputs(program);
  return { file, source, program };
}

function markOutputs(block: AstNode): void {
  const fields = block as unknown as Fields;
  for (const field of BODY_FIELDS[block.type] ?? []) {
    for (const child of fields[field] as AstNode[]) {
      if (NOT_OUTPUT.has(child.type)) {
        markOutputs(child);
      } else if (child.type !== "StringLiteral") {
        OUTPUT_NODES.add(child);
      }
    }
  }
}

/** Source-like text of an expression, for messages: `dbt_utils.star`, `adapter.dispatch`. */
export function describeExpression(node: AstNode): string {
  const fields = node as unknown as Fields;
  switch (node.type) {
    case "Identifier":
      return String(fields.value);
    case "MemberExpression": {
      const object = describeExpression(fields.object as AstNode);
      const property = fields.property as AstNode;
      return fields.computed
        ? `${object}[${describeExpression(property)}]`
        : `${object}.${describeExpression(property)}`;
    }
    case "CallExpression":
      return `${describeExpression(fields.callee as AstNode)}(…)`;
    case "FilterExpression":
      return describeExpression(fields.operand as AstNode);
    case "StringLiteral":
      return JSON.stringify(fields.value);
    case "IntegerLiteral":
      return String(fields.value);
    default:
      return node.type;
  }
}

/** The callee of a call, if it is written as a name or dotted name. */
export function calleeOf(node: AstNode): AstNode | undefined {
  const callee = (node as unknown as Fields).callee as AstNode | undefined;
  return callee && (callee.type === "Identifier" || callee.type === "MemberExpression")
    ? callee
    : undefined;
}

/**
 * The AST has no positions, so the line of a name is found in the source: its first use inside
 * a `{{ }}` or `{% %}` tag (as a call when `asCall`).
 */
export function findLine(source: string, name: string, asCall = false): number | undefined {
  const escaped = escapeRegExp(name);
  return findInTags(source, new RegExp(`(?<![\\w.])${escaped}${asCall ? "\\s*\\(" : "(?!\\w)"}`));
}

/** Line of the first match of `pattern` inside a `{{ }}` or `{% %}` tag. */
export function findInTags(source: string, pattern: RegExp): number | undefined {
  for (const tag of source.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    const found = pattern.exec(tag[0]);
    if (found) return lineAt(source, (tag.index ?? 0) + found.index);
  }
  return undefined;
}
