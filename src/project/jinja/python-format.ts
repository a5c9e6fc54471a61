/**
 * Python's string formatting: `format(value, spec)` (the format mini-language), `str.format`,
 * and printf-style `'%s' % args`, as templates use them to build SQL text.
 */
import {
  floatRepr,
  JinjaError,
  numeric,
  PyDict,
  PyFloat,
  PyTuple,
  repr,
  str,
  typeError,
  typeName,
  type Value,
  valueError,
} from "./values.js";

const SPEC = /^(?:(.)?([<>=^]))?([+\- ]?)(#?)(0?)(\d*)([,_]?)(?:\.(\d+))?([bcdeEfFgGnosxX%]?)$/s;

/** Python's format(value, spec). */
export function formatValue(value: Value, spec: string): string {
  if (spec === "") return str(value);
  const match = SPEC.exec(spec);
  if (!match) throw valueError(`Invalid format specifier '${spec}'`);
  const [
    ,
    fillChar,
    alignChar,
    sign = "",
    alternate,
    zero,
    widthText,
    grouping,
    precisionText,
    type,
  ] = match as unknown as string[];
  const precision = precisionText ? Number(precisionText) : undefined;
  const width = widthText ? Number(widthText) : 0;
  let fill = fillChar ?? " ";
  let align = alignChar;
  if (!alignChar && zero) {
    fill = "0";
    align = "=";
  }
  const n = numeric(value);
  let body: string;
  let prefix = "";
  if (typeof value === "string") {
    if (type && type !== "s")
      throw valueError(`Unknown format code '${type}' for object of type 'str'`);
    if (sign || alternate) throw valueError("Sign not allowed in string format specifier");
    body = precision === undefined ? value : [...value].slice(0, precision).join("");
    align ??= "<";
  } else if (n) {
    const float = n.float || "eEfFgG%".includes(type ?? "\0");
    if (!float && precision !== undefined && type !== "" && type !== undefined) {
      throw valueError("Precision not allowed in integer format specifier");
    }
    const negative = n.n < 0 || Object.is(n.n, -0);
    const magnitude = Math.abs(n.n);
    if (float) {
      body = formatFloat(magnitude, type ?? "", precision, n.float);
    } else {
      body = formatInteger(magnitude, type ?? "d", alternate === "#");
      if (alternate === "#" && /[boxX]/.test(type ?? "")) {
        prefix = body.slice(0, 2);
        body = body.slice(2);
      }
    }
    if (grouping) body = group(body, grouping);
    prefix = (negative ? "-" : sign === "+" ? "+" : sign === " " ? " " : "") + prefix;
    align ??= ">";
  } else {
    throw typeError(`unsupported format string passed to ${typeName(value)}.__format__`);
  }
  return pad(prefix, body, width, fill, align ?? "<");
}

function formatInteger(n: number, type: string, alternate: boolean): string {
  switch (type) {
    case "d":
    case "n":
      return String(n);
    case "b":
      return `${alternate ? "0b" : ""}${n.toString(2)}`;
    case "o":
      return `${alternate ? "0o" : ""}${n.toString(8)}`;
    case "x":
      return `${alternate ? "0x" : ""}${n.toString(16)}`;
    case "X":
      return `${alternate ? "0X" : ""}${n.toString(16).toUpperCase()}`;
    case "c":
      return String.fromCodePoint(n);
    default:
      throw valueError(`Unknown format code '${type}' for object of type 'int'`);
  }
}

function formatFloat(
  n: number,
  type: string,
  precision: number | undefined,
  isFloat: boolean,
): string {
  switch (type) {
    case "f":
    case "F":
      return n.toFixed(precision ?? 6);
    case "e":
    case "E": {
      const text = exponential(n, precision ?? 6);
      return type === "E" ? text.toUpperCase() : text;
    }
    case "%":
      return `${(n * 100).toFixed(precision ?? 6)}%`;
    case "g":
    case "G": {
      const text = general(n, precision ?? 6, false);
      return type === "G" ? text.toUpperCase() : text;
    }
    default:
      if (precision === undefined) return isFloat ? floatRepr(n) : String(n);
      return general(n, precision, true);
  }
}

/** `%e`: mantissa with `precision` digits, exponent of at least two digits. */
function exponential(n: number, precision: number): string {
  const [mantissa, exponent] = n.toExponential(precision).split("e") as [string, string];
  const value = Number(exponent);
  return `${mantissa}e${value < 0 ? "-" : "+"}${String(Math.abs(value)).padStart(2, "0")}`;
}

/** `%g`: fixed or exponential by the exponent, trailing zeros removed. */
function general(n: number, precision: number, keepPoint: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return keepPoint ? "0.0" : "0";
  const exponent = Number(n.toExponential(p - 1).split("e")[1]);
  let text: string;
  if (exponent < -4 || exponent >= p) {
    const [mantissa, exp] = exponential(n, p - 1).split("e") as [string, string];
    text = `${trimZeros(mantissa)}e${exp}`;
  } else {
    text = trimZeros(n.toFixed(Math.max(0, p - 1 - exponent)));
    if (keepPoint && !text.includes(".")) text += ".0";
  }
  return text;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function group(digits: string, separator: string): string {
  const [whole, fraction] = digits.split(".") as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function pad(prefix: string, body: string, width: number, fill: string, align: string): string {
  const missing = width - [...prefix].length - [...body].length;
  if (missing <= 0) return prefix + body;
  const padding = fill.repeat(missing);
  switch (align) {
    case "<":
      return prefix + body + padding;
    case ">":
      return padding + prefix + body;
    case "=":
      return prefix + padding + body;
    default: {
      const left = fill.repeat(Math.floor(missing / 2));
      return left + prefix + body + fill.repeat(missing - left.length);
    }
  }
}

/** Python's str.format with positional and keyword arguments. */
export function strFormat(
  template: string,
  args: Value[],
  kwargs: Map<string, Value>,
  getattr: (object: Value, name: string) => Value,
  getitem: (object: Value, key: Value) => Value,
): string {
  let out = "";
  let auto = 0;
  let numbering: "auto" | "manual" | undefined;
  const use = (kind: "auto" | "manual") => {
    if (numbering && numbering !== kind) {
      throw valueError(
        kind === "auto"
          ? "cannot switch from manual field specification to automatic field numbering"
          : "cannot switch from automatic field numbering to manual field specification",
      );
    }
    numbering = kind;
  };
  for (let i = 0; i < template.length; i++) {
    const char = template[i]!;
    if (char === "}") {
      if (template[i + 1] !== "}") throw valueError("Single '}' encountered in format string");
      out += "}";
      i++;
      continue;
    }
    if (char !== "{") {
      out += char;
      continue;
    }
    if (template[i + 1] === "{") {
      out += "{";
      i++;
      continue;
    }
    const end = template.indexOf("}", i);
    if (end === -1) throw valueError("Single '{' encountered in format string");
    const field = template.slice(i + 1, end);
    i = end;
    const [, reference = "", conversion, spec = ""] =
      /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field) ?? [];
    const path = /^([^.[]*)(.*)$/s.exec(reference)!;
    const head = path[1]!;
    let value: Value;
    if (head === "") {
      use("auto");
      value = positional(args, auto++);
    } else if (/^\d+$/.test(head)) {
      use("manual");
      value = positional(args, Number(head));
    } else {
      const found = kwargs.get(head);
      if (found === undefined) throw new JinjaError("KeyError", repr(head));
      value = found;
    }
    for (const part of path[2]!.matchAll(/\.(\w+)|\[([^\]]*)\]/g)) {
      value =
        part[1] !== undefined
          ? getattr(value, part[1])
          : getitem(value, /^\d+$/.test(part[2]!) ? Number(part[2]) : part[2]!);
    }
    if (conversion === "r" || conversion === "a") value = repr(value);
    else if (conversion === "s") value = str(value);
    out += formatValue(value, spec);
  }
  return out;
}

function positional(args: Value[], index: number): Value {
  const value = args[index];
  if (value === undefined) {
    throw new JinjaError(
      "IndexError",
      `Replacement index ${index} out of range for positional args tuple`,
    );
  }
  return value;
}

const PERCENT = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** printf-style formatting: `'%s and %d' % (a, 3)`, `'%(name)s' % {'name': x}`. */
export function percentFormat(template: string, right: Value): string {
  const tuple = right instanceof PyTuple ? right.items : undefined;
  const mapping = right instanceof PyDict ? right : undefined;
  const args = tuple ?? [right];
  let next = 0;
  let usedMapping = false;
  const result = template.replace(
    PERCENT,
    (
      _match,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      precision: string | undefined,
      type: string,
    ) => {
      if (type === "%") return "%";
      let value: Value;
      if (key !== undefined) {
        if (!mapping) throw typeError("format requires a mapping");
        const found = mapping.get(key);
        if (found === undefined) throw new JinjaError("KeyError", repr(key));
        value = found;
        usedMapping = true;
      } else {
        if (next >= args.length) throw typeError("not enough arguments for format string");
        value = args[next++]!;
      }
      return percentOne(value, flags, width, precision, type);
    },
  );
  if (!usedMapping && !mapping && next < args.length) {
    throw typeError("not all arguments converted during string formatting");
  }
  return result;
}

function percentOne(
  value: Value,
  flags: string,
  width: string | undefined,
  precision: string | undefined,
  type: string,
): string {
  if (width === "*" || precision === "*") throw valueError("* width or precision is not supported");
  const left = flags.includes("-");
  const zero = flags.includes("0") && !left;
  const sign = flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  const alternate = flags.includes("#") ? "#" : "";
  const w = width ?? "";
  const p = precision === undefined ? "" : `.${precision}`;
  let spec: string;
  let formatted: Value = value;
  switch (type) {
    case "s":
      formatted = precision === undefined ? str(value) : str(value).slice(0, Number(precision));
      return padText(formatted, w, left);
    case "r":
    case "a":
      return padText(repr(value), w, left);
    case "c":
      formatted =
        typeof value === "string" ? value : String.fromCodePoint(Number(numeric(value)?.n));
      return padText(formatted, w, left);
    case "d":
    case "i":
    case "u": {
      const n = numeric(value);
      if (!n) throw typeError(`%${type} format: a real number is required, not ${typeName(value)}`);
      formatted = Math.trunc(n.n);
      spec = "d";
      break;
    }
    default: {
      const n = numeric(value);
      if (!n) throw typeError(`must be real number, not ${typeName(value)}`);
      formatted = "oxX".includes(type) ? Math.trunc(n.n) : new PyFloat(n.n);
      spec = type;
      if ("eEfFgG".includes(type) && precision === undefined) spec = `.6${type}`;
    }
  }
  const align = left ? "<" : zero ? "=" : ">";
  const fill = zero ? "0" : " ";
  const full = `${fill}${align}${sign}${alternate}${w}${spec.startsWith(".") ? spec : `${p}${spec}`}`;
  return formatValue(formatted, full);
}

function padText(text: string, width: string, left: boolean): string {
  const n = Number(width || 0);
  return left ? text.padEnd(n) : text.padStart(n);
}
