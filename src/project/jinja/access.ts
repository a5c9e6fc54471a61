/**
 * Attribute and item access, slicing and calls, as dbt's sandboxed Jinja2 environment does them:
 * `x.name` tries the attribute, then the item; `x['name']` the other way round; names starting
 * with `_` are not reachable as attributes.
 */
import { boundMethod } from "./methods.js";
import {
  type CallSite,
  isCallable,
  JinjaError,
  type Kwargs,
  numeric,
  PyDict,
  PyObject,
  PyTuple,
  typeError,
  typeName,
  Undefined,
  type Value,
} from "./values.js";

/** `x[a:b:c]` as a subscript value. */
export class PySlice extends PyObject {
  readonly typeName = "slice";
  constructor(
    readonly start: Value,
    readonly stop: Value,
    readonly step: Value,
  ) {
    super();
  }
  getattr(): Value | undefined {
    return undefined;
  }

  /** The indices this slice selects from a sequence of `length` items (Python's slice.indices). */
  indices(length: number): number[] {
    const step = this.step === null ? 1 : sliceInt(this.step);
    if (step === 0) throw new JinjaError("ValueError", "slice step cannot be zero");
    const clamp = (value: Value, fallback: number, low: number, high: number) => {
      if (value === null) return fallback;
      let n = sliceInt(value);
      if (n < 0) n += length;
      return Math.min(Math.max(n, low), high);
    };
    const start =
      step > 0 ? clamp(this.start, 0, 0, length) : clamp(this.start, length - 1, -1, length - 1);
    const stop =
      step > 0 ? clamp(this.stop, length, 0, length) : clamp(this.stop, -1, -1, length - 1);
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }
}

function sliceInt(value: Value): number {
  const n = numeric(value);
  if (!n || n.float) {
    throw typeError("slice indices must be integers or None or have an __index__ method");
  }
  return n.n;
}

function undefinedAccess(object: Undefined, site: CallSite | undefined): Value {
  if (site?.context.lenient) {
    site.context.absorbed();
    return object;
  }
  throw object.error();
}

export function getattr(object: Value, name: string, site?: CallSite): Value {
  if (object instanceof Undefined) return undefinedAccess(object, site);
  if (name.startsWith("_") && !isMappingLike(object)) {
    return new Undefined(
      name,
      object,
      `access to attribute '${name}' of '${typeName(object)}' object is unsafe.`,
    );
  }
  if (object instanceof PyObject) return object.getattr(name) ?? new Undefined(name, object);
  const method = name.startsWith("_") ? undefined : boundMethod(object, name, ACCESS);
  if (method) return method;
  if (object instanceof PyDict) return object.get(name) ?? new Undefined(name, object);
  if (object instanceof PyTuple && object.fields?.includes(name)) {
    return object.items[object.fields.indexOf(name)]!;
  }
  return new Undefined(name, object);
}

export function getitem(object: Value, key: Value, site?: CallSite): Value {
  if (object instanceof Undefined) return undefinedAccess(object, site);
  if (key instanceof PySlice) return sliceOf(object, key);
  if (object instanceof PyDict) {
    const found = object.get(key);
    if (found !== undefined) return found;
  } else if (typeof object === "string" || Array.isArray(object) || object instanceof PyTuple) {
    const n = numeric(key);
    if (n && !n.float) {
      const items =
        typeof object === "string" ? [...object] : Array.isArray(object) ? object : object.items;
      const at = n.n < 0 ? items.length + n.n : n.n;
      if (at >= 0 && at < items.length) return items[at]!;
      return new Undefined(String(key), object, `${typeName(object)} object has no element ${n.n}`);
    }
  } else if (object instanceof PyObject) {
    const found = object.getitem(key);
    if (found !== undefined) return found;
  }
  if (typeof key === "string") {
    if (key.startsWith("_") && !isMappingLike(object)) return new Undefined(key, object);
    if (object instanceof PyObject) return object.getattr(key) ?? new Undefined(key, object);
    const method = key.startsWith("_") ? undefined : boundMethod(object, key, ACCESS);
    if (method) return method;
  }
  return new Undefined(typeof key === "string" ? key : String(key), object);
}

/** Dicts, and objects dbt makes mappings (package namespaces, relations): `_name` is an item there. */
function isMappingLike(object: Value): boolean {
  return object instanceof PyDict || (object instanceof PyObject && object.isMapping());
}

function sliceOf(object: Value, slice: PySlice): Value {
  if (typeof object === "string") {
    const chars = [...object];
    return slice
      .indices(chars.length)
      .map((i) => chars[i])
      .join("");
  }
  if (Array.isArray(object)) return slice.indices(object.length).map((i) => object[i]!);
  if (object instanceof PyTuple)
    return new PyTuple(slice.indices(object.items.length).map((i) => object.items[i]!));
  throw typeError(`'${typeName(object)}' object is not subscriptable`);
}

const ACCESS = {
  getattr: (o: Value, n: string) => getattr(o, n),
  getitem: (o: Value, k: Value) => getitem(o, k),
};

export function callValue(callee: Value, args: Value[], kwargs: Kwargs, site: CallSite): Value {
  if (isCallable(callee)) return callee.call(args, kwargs, site);
  if (callee instanceof Undefined) return undefinedAccess(callee, site);
  throw typeError(`'${typeName(callee)}' object is not callable`);
}
