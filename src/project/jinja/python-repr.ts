import type { RuntimeValue } from "./package-types.js";

/**
 * How Python's Jinja2 prints a value in `{{ … }}`: `['a', 'b']`, `('a',)`, `{'k': 1}`, `True`,
 * `None`. The package prints JSON instead, which turns `in {{ ('a', 'b') }}` into invalid SQL.
 */
export function pythonRepr(value: RuntimeValue): string {
  switch (value.type) {
    case "StringValue":
      return stringRepr(value.value as string);
    case "BooleanValue":
      return value.value ? "True" : "False";
    case "NullValue":
    case "UndefinedValue":
      return "None";
    case "ArrayValue":
      return `[${items(value).join(", ")}]`;
    case "TupleValue": {
      const parts = items(value);
      return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
    }
    case "ObjectValue":
    case "KeywordArgumentsValue":
    case "NamespaceValue": {
      const entries = [...(value.value as Map<string, RuntimeValue>)];
      return `{${entries.map(([key, item]) => `${stringRepr(key)}: ${pythonRepr(item)}`).join(", ")}}`;
    }
    default:
      return value.toString();
  }
}

function items(value: RuntimeValue): string[] {
  return (value.value as RuntimeValue[]).map(pythonRepr);
}

/** Python's str.__repr__: single quotes unless the text has one and no double quote. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t")
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}
