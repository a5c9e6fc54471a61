/**
 * What dbt's `modules` offers templates: Python's datetime, pytz, re and itertools, for the uses
 * dbt projects make of them (dates around run_started_at, timedeltas, timezones, regular
 * expressions, combining lists). A function or argument outside that is an error naming it.
 */
import { PyGenerator } from "../jinja/generator.js";
import {
  compare,
  iterate,
  JinjaError,
  type Kwargs,
  NativeFunction,
  numeric,
  PyDict,
  PyFloat,
  PyObject,
  PyTuple,
  str,
  toInteger,
  typeError,
  type PyCallable,
  type Value,
  valueError,
} from "../jinja/values.js";

const fn = (name: string, body: (args: Value[], kwargs: Kwargs) => Value) =>
  new NativeFunction(name, (args, kwargs) => body(args, kwargs));

function int(value: Value | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw typeError(`missing required argument '${name}'`);
  }
  const n = toInteger(value);
  if (n === undefined || typeof value === "string") throw typeError(`'${name}' must be an integer`);
  return n;
}

/** A module or class: a bag of named members. */
class Namespace extends PyObject {
  constructor(
    readonly typeName: string,
    private readonly members: Record<string, Value>,
  ) {
    super();
  }
  getattr(name: string): Value | undefined {
    return Object.hasOwn(this.members, name) ? this.members[name] : undefined;
  }
  override repr(): string {
    return `<module '${this.typeName}'>`;
  }
}

// ---------------------------------------------------------------------------------------------
// datetime

const MS_PER_DAY = 86_400_000;
const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A timezone: UTC, a fixed offset, or an IANA zone (pytz.timezone). */
export class PyTimezone extends PyObject {
  readonly typeName = "timezone";
  constructor(
    readonly zone: string,
    private readonly fixedMinutes?: number,
  ) {
    super();
  }
  /** Minutes east of UTC at the UTC instant `ms`. */
  offsetAt(ms: number): number {
    if (this.fixedMinutes !== undefined) return this.fixedMinutes;
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: this.zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }).formatToParts(new Date(ms));
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    const local = Date.UTC(
      get("year"),
      get("month") - 1,
      get("day"),
      get("hour"),
      get("minute"),
      get("second"),
    );
    return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  }
  /** Minutes east of UTC for a wall-clock time in this zone. */
  offsetForLocal(localMs: number): number {
    const guess = this.offsetAt(localMs);
    return this.offsetAt(localMs - guess * 60_000);
  }
  name(ms: number): string {
    if (this.zone === "UTC") return "UTC";
    if (this.fixedMinutes !== undefined) return `UTC${offsetText(this.fixedMinutes, ":")}`;
    const part = new Intl.DateTimeFormat("en-US", { timeZone: this.zone, timeZoneName: "short" })
      .formatToParts(new Date(ms))
      .find((p) => p.type === "timeZoneName");
    return part?.value ?? this.zone;
  }
  getattr(name: string): Value | undefined {
    if (name === "zone") return this.zone;
    if (name === "localize") {
      return fn("localize", ([value]) => {
        if (!(value instanceof PyDateTime) || value.tz)
          throw valueError("Not naive datetime (tzinfo is already set)");
        return value.withZone(this, this.offsetForLocal(Math.floor(value.localMicros / 1000)));
      });
    }
    if (name === "utcoffset") return fn("utcoffset", () => new PyTimedelta(0));
    return undefined;
  }
  override str(): string {
    return this.zone;
  }
  override repr(): string {
    return this.zone === "UTC" ? "<UTC>" : `<DstTzInfo '${this.zone}'>`;
  }
}

export const UTC = new PyTimezone("UTC", 0);

function offsetText(minutes: number, separator = ""): string {
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${separator}${pad(m % 60)}`;
}

export class PyTimedelta extends PyObject {
  readonly typeName = "timedelta";
  /** Microseconds. */
  constructor(readonly micros: number) {
    super();
  }
  getattr(name: string): Value | undefined {
    const days = Math.floor(this.micros / (MS_PER_DAY * 1000));
    const rest = this.micros - days * MS_PER_DAY * 1000;
    switch (name) {
      case "days":
        return days;
      case "seconds":
        return Math.floor(rest / 1_000_000);
      case "microseconds":
        return rest % 1_000_000;
      case "total_seconds":
        return fn("total_seconds", () => new PyFloat(this.micros / 1_000_000));
      default:
        return undefined;
    }
  }
  override str(): string {
    const days = Math.floor(this.micros / (MS_PER_DAY * 1000));
    const rest = this.micros - days * MS_PER_DAY * 1000;
    const seconds = Math.floor(rest / 1_000_000);
    const micros = rest % 1_000_000;
    const clock = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${micros ? `.${pad(micros, 6)}` : ""}`;
    return days === 0 ? clock : `${days} day${Math.abs(days) === 1 ? "" : "s"}, ${clock}`;
  }
  override repr(): string {
    return `datetime.timedelta(microseconds=${this.micros})`;
  }
  override equals(other: Value): boolean {
    return other instanceof PyTimedelta && other.micros === this.micros;
  }
  override truthy(): boolean {
    return this.micros !== 0;
  }
  override operate(op: string, other: Value, reflected: boolean): Value | undefined {
    if (other instanceof PyTimedelta) {
      if (op === "+") return new PyTimedelta(this.micros + other.micros);
      if (op === "-")
        return new PyTimedelta(reflected ? other.micros - this.micros : this.micros - other.micros);
    }
    if (op === "*" && typeof other === "number") return new PyTimedelta(this.micros * other);
    return undefined;
  }
  override order(other: Value): number | undefined {
    return other instanceof PyTimedelta ? Math.sign(this.micros - other.micros) : undefined;
  }
}

/**
 * A datetime (or a date, when `dateOnly`): the wall-clock time in microseconds since the epoch
 * read as UTC, and an optional timezone with its offset at that time.
 */
export class PyDateTime extends PyObject {
  readonly typeName: string;
  constructor(
    readonly localMicros: number,
    readonly tz?: PyTimezone,
    readonly offsetMinutes = 0,
    readonly dateOnly = false,
  ) {
    super();
    this.typeName = dateOnly ? "date" : "datetime";
  }

  static fromUtc(utcMicros: number, tz?: PyTimezone): PyDateTime {
    const offset = tz ? tz.offsetAt(Math.floor(utcMicros / 1000)) : 0;
    return new PyDateTime(utcMicros + offset * 60_000_000, tz, offset);
  }

  /** Microseconds since the epoch: UTC for an aware datetime, the wall clock for a naive one. */
  instant(): number {
    return this.localMicros - this.offsetMinutes * 60_000_000;
  }

  private get parts() {
    const d = new Date(Math.floor(this.localMicros / 1000));
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      micro: ((this.localMicros % 1_000_000) + 1_000_000) % 1_000_000,
      weekday: (d.getUTCDay() + 6) % 7,
    };
  }

  withZone(tz: PyTimezone | undefined, offset: number): PyDateTime {
    return new PyDateTime(this.localMicros, tz, offset, this.dateOnly);
  }

  plus(micros: number): PyDateTime {
    if (this.tz && !this.dateOnly) return PyDateTime.fromUtc(this.instant() + micros, this.tz);
    return new PyDateTime(this.localMicros + micros, this.tz, this.offsetMinutes, this.dateOnly);
  }

  override operate(op: string, other: Value, reflected: boolean): Value | undefined {
    if (other instanceof PyTimedelta) {
      if (op === "+") return this.plus(other.micros);
      if (op === "-" && !reflected) return this.plus(-other.micros);
    }
    if (op === "-" && other instanceof PyDateTime) {
      return new PyTimedelta(
        reflected ? other.instant() - this.instant() : this.instant() - other.instant(),
      );
    }
    return undefined;
  }

  override order(other: Value): number | undefined {
    return other instanceof PyDateTime ? Math.sign(this.instant() - other.instant()) : undefined;
  }

  strftime(format: string): string {
    const p = this.parts;
    const dayOfYear =
      Math.floor((Math.floor(this.localMicros / 1000) - Date.UTC(p.year, 0, 1)) / MS_PER_DAY) + 1;
    return format.replace(/%([a-zA-Z%])/g, (whole, code: string) => {
      switch (code) {
        case "Y":
          return pad(p.year, 4);
        case "y":
          return pad(p.year % 100);
        case "m":
          return pad(p.month);
        case "d":
          return pad(p.day);
        case "H":
          return pad(p.hour);
        case "I":
          return pad(p.hour % 12 === 0 ? 12 : p.hour % 12);
        case "p":
          return p.hour < 12 ? "AM" : "PM";
        case "M":
          return pad(p.minute);
        case "S":
          return pad(p.second);
        case "f":
          return pad(p.micro, 6);
        case "j":
          return pad(dayOfYear, 3);
        case "a":
          return DAY_NAMES[p.weekday]!.slice(0, 3);
        case "A":
          return DAY_NAMES[p.weekday]!;
        case "w":
          return String((p.weekday + 1) % 7);
        case "b":
          return MONTH_NAMES[p.month - 1]!.slice(0, 3);
        case "B":
          return MONTH_NAMES[p.month - 1]!;
        case "z":
          return this.tz ? offsetText(this.offsetMinutes) : "";
        case "Z":
          return this.tz ? this.tz.name(Math.floor(this.instant() / 1000)) : "";
        case "%":
          return "%";
        default:
          throw valueError(`strftime directive ${whole} is not supported`);
      }
    });
  }

  isoformat(separator = "T"): string {
    const p = this.parts;
    const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
    if (this.dateOnly) return date;
    const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${p.micro ? `.${pad(p.micro, 6)}` : ""}`;
    return `${date}${separator}${time}${this.tz ? offsetText(this.offsetMinutes, ":") : ""}`;
  }

  getattr(name: string): Value | undefined {
    const p = this.parts;
    switch (name) {
      case "year":
      case "month":
      case "day":
        return p[name];
      case "hour":
      case "minute":
      case "second":
        return this.dateOnly ? undefined : p[name];
      case "microsecond":
        return this.dateOnly ? undefined : p.micro;
      case "tzinfo":
        return this.tz ?? null;
      case "strftime":
        return fn("strftime", ([format]) => this.strftime(str(format ?? "")));
      case "isoformat":
        return fn("isoformat", ([separator]) =>
          this.isoformat(separator === undefined ? "T" : str(separator)),
        );
      case "date":
        return fn(
          "date",
          () => new PyDateTime(Date.UTC(p.year, p.month - 1, p.day) * 1000, undefined, 0, true),
        );
      case "weekday":
        return fn("weekday", () => p.weekday);
      case "isoweekday":
        return fn("isoweekday", () => p.weekday + 1);
      case "timestamp":
        return fn("timestamp", () => new PyFloat(this.instant() / 1_000_000));
      case "astimezone":
        return fn("astimezone", ([tz]) => {
          if (!(tz instanceof PyTimezone)) throw typeError("astimezone() needs a timezone");
          return PyDateTime.fromUtc(this.instant(), tz);
        });
      case "replace":
        return fn("replace", (_args, kwargs) => this.replaced(kwargs));
      default:
        return undefined;
    }
  }

  private replaced(kwargs: Kwargs): PyDateTime {
    const p = this.parts;
    const field = (name: string, current: number) => int(kwargs.get(name), name, current);
    const ms = Date.UTC(
      field("year", p.year),
      field("month", p.month) - 1,
      field("day", p.day),
      field("hour", p.hour),
      field("minute", p.minute),
      field("second", p.second),
    );
    const local = ms * 1000 + int(kwargs.get("microsecond"), "microsecond", p.micro);
    const tzArg = kwargs.get("tzinfo");
    const tz = tzArg === undefined ? this.tz : tzArg instanceof PyTimezone ? tzArg : undefined;
    return new PyDateTime(
      local,
      tz,
      tz ? tz.offsetForLocal(Math.floor(local / 1000)) : 0,
      this.dateOnly,
    );
  }

  override str(): string {
    return this.isoformat(" ");
  }
  override repr(): string {
    return `datetime.${this.typeName}(${this.isoformat()})`;
  }
  override equals(other: Value): boolean {
    return (
      other instanceof PyDateTime &&
      other.dateOnly === this.dateOnly &&
      other.instant() === this.instant()
    );
  }
}

function newDatetime(args: Value[], kwargs: Kwargs, dateOnly: boolean): PyDateTime {
  const names = dateOnly
    ? ["year", "month", "day"]
    : ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"];
  const get = (i: number) => args[i] ?? kwargs.get(names[i]!);
  const [year, month, day] = [0, 1, 2].map((i) => int(get(i), names[i]!));
  const [hour, minute, second, micro] = [3, 4, 5, 6].map((i) =>
    dateOnly ? 0 : int(get(i), names[i]!, 0),
  );
  const tz = dateOnly ? undefined : get(7);
  const local = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) * 1000 + micro!;
  const zone = tz instanceof PyTimezone ? tz : undefined;
  return new PyDateTime(
    local,
    zone,
    zone ? zone.offsetForLocal(Math.floor(local / 1000)) : 0,
    dateOnly,
  );
}

/** datetime.strptime for the common directives. */
function strptime(text: string, format: string): PyDateTime {
  const fields: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, f: 0 };
  const patterns: Record<string, string> = {
    Y: "(\\d{4})",
    m: "(\\d{1,2})",
    d: "(\\d{1,2})",
    H: "(\\d{1,2})",
    M: "(\\d{1,2})",
    S: "(\\d{1,2})",
    f: "(\\d{1,6})",
    y: "(\\d{2})",
  };
  const order: string[] = [];
  const source = format.replace(/%([a-zA-Z%])|[.*+?^${}()|[\]\\]/g, (whole, code?: string) => {
    if (code === undefined) return `\\${whole}`;
    if (code === "%") return "%";
    const pattern = patterns[code];
    if (!pattern) throw valueError(`strptime directive %${code} is not supported`);
    order.push(code);
    return pattern;
  });
  const match = new RegExp(`^${source}$`).exec(text);
  if (!match) throw valueError(`time data '${text}' does not match format '${format}'`);
  order.forEach((code, i) => {
    const value = match[i + 1]!;
    if (code === "y") fields.Y = 2000 + Number(value) - (Number(value) >= 69 ? 100 : 0);
    else if (code === "f") fields.f = Number(value.padEnd(6, "0"));
    else fields[code] = Number(value);
  });
  return new PyDateTime(
    Date.UTC(fields.Y!, fields.m! - 1, fields.d!, fields.H!, fields.M!, fields.S!) * 1000 +
      fields.f!,
  );
}

function timedelta(args: Value[], kwargs: Kwargs): PyTimedelta {
  const units: [string, number][] = [
    ["days", MS_PER_DAY * 1000],
    ["seconds", 1_000_000],
    ["microseconds", 1],
    ["milliseconds", 1000],
    ["minutes", 60_000_000],
    ["hours", 3_600_000_000],
    ["weeks", 7 * MS_PER_DAY * 1000],
  ];
  let micros = 0;
  units.forEach(([name, scale], i) => {
    const value = args[i] ?? kwargs.get(name);
    if (value === undefined) return;
    const n = numeric(value);
    if (!n) throw typeError(`unsupported type for timedelta ${name} component: ${str(value)}`);
    micros += n.n * scale;
  });
  return new PyTimedelta(Math.round(micros));
}

function datetimeModule(clock: () => PyDateTime): Namespace {
  const datetimeClass = new PyClass(
    "datetime.datetime",
    {
      now: fn("now", ([tz]) =>
        tz instanceof PyTimezone ? PyDateTime.fromUtc(clock().localMicros, tz) : clock(),
      ),
      utcnow: fn("utcnow", () => clock()),
      today: fn("today", () => clock()),
      strptime: fn("strptime", ([text, format]) => strptime(str(text ?? ""), str(format ?? ""))),
      fromisoformat: fn("fromisoformat", ([text]) => {
        const t = str(text ?? "");
        const match =
          /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(t);
        if (!match) throw valueError(`Invalid isoformat string: '${t}'`);
        const [, y, mo, d, h = "0", mi = "0", s = "0", f = "0"] = match;
        return new PyDateTime(
          Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s) * 1000 + Number(f.padEnd(6, "0")),
        );
      }),
    },
    (args, kwargs) => newDatetime(args, kwargs, false),
  );
  const dateClass = new PyClass(
    "datetime.date",
    {
      today: fn("today", () => {
        const d = new Date(Math.floor(clock().localMicros / 1000));
        return new PyDateTime(
          Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) * 1000,
          undefined,
          0,
          true,
        );
      }),
    },
    (args, kwargs) => newDatetime(args, kwargs, true),
  );
  return new Namespace("datetime", {
    datetime: datetimeClass,
    date: dateClass,
    timedelta: fn("timedelta", timedelta),
    timezone: new PyClass("datetime.timezone", { utc: UTC }, ([delta]) => {
      if (!(delta instanceof PyTimedelta))
        throw typeError("timezone() argument must be a timedelta");
      return new PyTimezone(
        `UTC${offsetText(delta.micros / 60_000_000, ":")}`,
        delta.micros / 60_000_000,
      );
    }),
  });
}

/** A class: it constructs when called and has class attributes (`datetime.datetime.now`). */
class PyClass extends Namespace implements PyCallable {
  readonly callable = true;
  constructor(
    readonly name: string,
    members: Record<string, Value>,
    private readonly construct: (args: Value[], kwargs: Kwargs) => Value,
  ) {
    super(`type '${name}'`, members);
  }
  call(args: Value[], kwargs: Kwargs): Value {
    return this.construct(args, kwargs);
  }
}

// ---------------------------------------------------------------------------------------------
// re

const RE_FLAGS = {
  IGNORECASE: 2,
  I: 2,
  MULTILINE: 8,
  M: 8,
  DOTALL: 16,
  S: 16,
  VERBOSE: 64,
  X: 64,
  ASCII: 256,
  A: 256,
};

/** Python regular-expression syntax to JavaScript's. */
function jsRegExp(pattern: string, flags: number, global: boolean): RegExp {
  let source = pattern;
  let js = global ? "gu" : "u";
  const inline = /^\(\?([aimsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes("i")) flags |= 2;
    if (inline[1]!.includes("m")) flags |= 8;
    if (inline[1]!.includes("s")) flags |= 16;
    if (inline[1]!.includes("x")) flags |= 64;
  }
  if (flags & 64)
    source = source
      .replace(/\\#/g, "\0hash")
      .replace(/\s+|#.*$/gm, "")
      .replace(/\0hash/g, "\\#");
  source = source
    .replace(/\(\?P<(\w+)>/g, "(?<$1>")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\\Z/g, "$(?![\\s\\S])")
    .replace(/\\A/g, "^");
  if (flags & 2) js += "i";
  if (flags & 8) js += "m";
  if (flags & 16) js += "s";
  try {
    return new RegExp(source, js);
  } catch (error) {
    throw new JinjaError(
      "re.error",
      `${(error as Error).message} (pattern ${JSON.stringify(pattern)})`,
    );
  }
}

class PyMatch extends PyObject {
  readonly typeName = "re.Match";
  constructor(private readonly match: RegExpExecArray) {
    super();
  }
  private group(index: Value): Value {
    const key =
      typeof index === "string"
        ? this.match.groups?.[index]
        : this.match[Number(numeric(index)?.n ?? 0)];
    return key ?? null;
  }
  getattr(name: string): Value | undefined {
    switch (name) {
      case "group":
        return fn("group", (args) =>
          args.length <= 1 ? this.group(args[0] ?? 0) : new PyTuple(args.map((a) => this.group(a))),
        );
      case "groups":
        return fn(
          "groups",
          ([fallback]) => new PyTuple(this.match.slice(1).map((g) => g ?? fallback ?? null)),
        );
      case "groupdict":
        return fn("groupdict", () =>
          PyDict.fromObject(
            Object.fromEntries(
              Object.entries(this.match.groups ?? {}).map(([k, v]) => [k, v ?? null]),
            ),
          ),
        );
      case "start":
        return fn("start", () => this.match.index);
      case "end":
        return fn("end", () => this.match.index + this.match[0].length);
      case "string":
        return this.match.input;
      default:
        return undefined;
    }
  }
  override repr(): string {
    return `<re.Match object; span=(${this.match.index}, ${this.match.index + this.match[0].length}), match=${JSON.stringify(this.match[0])}>`;
  }
}

function pythonReplacement(replacement: string): string {
  return replacement
    .replace(/\$/g, "$$$$")
    .replace(/\\(\d+)|\\g<(\w+)>/g, (_m, n?: string, g?: string) =>
      n !== undefined ? `$${n}` : /^\d+$/.test(g!) ? `$${g}` : `$<${g}>`,
    );
}

function reFunctions(compiled?: { pattern: string; flags: number }): Record<string, Value> {
  const args = (values: Value[], kwargs: Kwargs, names: string[]) => {
    const all = compiled ? [compiled.pattern, ...values] : values;
    return names.map((name, i) => all[i] ?? kwargs.get(name));
  };
  const flagsOf = (value: Value | undefined) =>
    compiled ? compiled.flags : (toInteger(value ?? 0) ?? 0);
  const match = (anchored: "start" | "full" | "none") => (values: Value[], kwargs: Kwargs) => {
    const [pattern, text, flags] = args(values, kwargs, ["pattern", "string", "flags"]);
    const source = str(pattern ?? "");
    const wrapped =
      anchored === "start"
        ? `^(?:${source})`
        : anchored === "full"
          ? `^(?:${source})$(?![\\s\\S])`
          : source;
    const found = jsRegExp(wrapped, flagsOf(flags), false).exec(str(text ?? ""));
    return found ? new PyMatch(found) : null;
  };
  return {
    match: fn("match", match("start")),
    fullmatch: fn("fullmatch", match("full")),
    search: fn("search", match("none")),
    findall: fn("findall", (values, kwargs) => {
      const [pattern, text, flags] = args(values, kwargs, ["pattern", "string", "flags"]);
      return [...str(text ?? "").matchAll(jsRegExp(str(pattern ?? ""), flagsOf(flags), true))].map(
        (m) =>
          m.length === 1
            ? m[0]
            : m.length === 2
              ? (m[1] ?? "")
              : new PyTuple(m.slice(1).map((g) => g ?? "")),
      );
    }),
    sub: fn("sub", (values, kwargs) => {
      const [pattern, replacement, text, count, flags] = args(values, kwargs, [
        "pattern",
        "repl",
        "string",
        "count",
        "flags",
      ]);
      if (typeof replacement !== "string")
        throw typeError("re.sub with a function replacement is not supported");
      const limit = toInteger(count ?? 0) ?? 0;
      let done = 0;
      const regexp = jsRegExp(str(pattern ?? ""), flagsOf(flags), true);
      const repl = pythonReplacement(replacement);
      return str(text ?? "").replace(regexp, (...groups) => {
        if (limit > 0 && done >= limit) return groups[0] as string;
        done++;
        return (groups[0] as string).replace(
          new RegExp(regexp.source, regexp.flags.replace("g", "")),
          repl,
        );
      });
    }),
    split: fn("split", (values, kwargs) => {
      const [pattern, text, maxsplit, flags] = args(values, kwargs, [
        "pattern",
        "string",
        "maxsplit",
        "flags",
      ]);
      const parts = str(text ?? "").split(jsRegExp(str(pattern ?? ""), flagsOf(flags), true));
      const max = toInteger(maxsplit ?? 0) ?? 0;
      return max > 0
        ? [...parts.slice(0, max), parts.slice(max).join("")]
        : parts.map((part) => part ?? "");
    }),
  };
}

function reModule(): Namespace {
  return new Namespace("re", {
    ...reFunctions(),
    ...RE_FLAGS,
    escape: fn("escape", ([text]) => str(text ?? "").replace(/[^\w]/gu, "\\$&")),
    compile: fn("compile", ([pattern, flags]) => {
      const compiled = { pattern: str(pattern ?? ""), flags: toInteger(flags ?? 0) ?? 0 };
      jsRegExp(compiled.pattern, compiled.flags, false);
      return new Namespace("re.Pattern", {
        ...reFunctions(compiled),
        pattern: compiled.pattern,
        flags: compiled.flags,
      });
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// itertools

function combinations(items: Value[], r: number): Value[][] {
  if (r === 0) return [[]];
  return items.flatMap((item, i) =>
    combinations(items.slice(i + 1), r - 1).map((rest) => [item, ...rest]),
  );
}

function permutations(items: Value[], r: number): Value[][] {
  if (r === 0) return [[]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)], r - 1).map((rest) => [
      item,
      ...rest,
    ]),
  );
}

function itertoolsModule(): Namespace {
  const tuples = (lists: Value[][], type: string) =>
    new PyGenerator(
      lists.map((items) => new PyTuple(items)),
      type,
    );
  return new Namespace("itertools", {
    chain: fn(
      "chain",
      (args) =>
        new PyGenerator(
          args.flatMap((arg) => iterate(arg)),
          "itertools.chain",
        ),
    ),
    product: fn("product", (args, kwargs) => {
      const pools = args.map((arg) => iterate(arg));
      const repeat = int(kwargs.get("repeat"), "repeat", 1);
      const all = Array.from({ length: repeat }, () => pools).flat();
      let result: Value[][] = [[]];
      for (const pool of all)
        result = result.flatMap((prefix) => pool.map((item) => [...prefix, item]));
      return tuples(result, "itertools.product");
    }),
    combinations: fn("combinations", ([items, r]) =>
      tuples(combinations(iterate(items ?? []), int(r, "r")), "itertools.combinations"),
    ),
    permutations: fn("permutations", ([items, r]) => {
      const pool = iterate(items ?? []);
      return tuples(
        permutations(pool, r === undefined || r === null ? pool.length : int(r, "r")),
        "itertools.permutations",
      );
    }),
    islice: fn("islice", (args) => {
      const items = iterate(args[0] ?? []);
      const [start, stop, step] =
        args.length <= 2 ? [0, args[1], 1] : [args[1], args[2], args[3] ?? 1];
      const out: Value[] = [];
      const end = stop === null || stop === undefined ? items.length : int(stop, "stop");
      for (
        let i = int(start ?? 0, "start");
        i < Math.min(end, items.length);
        i += int(step ?? 1, "step")
      )
        out.push(items[i]!);
      return new PyGenerator(out, "itertools.islice");
    }),
    repeat: fn("repeat", ([item, times]) => {
      if (times === undefined) throw valueError("itertools.repeat without a count never ends");
      return new PyGenerator(
        Array.from({ length: int(times, "times") }, () => item ?? null),
        "itertools.repeat",
      );
    }),
    zip_longest: fn("zip_longest", (args, kwargs) => {
      const lists = args.map((arg) => iterate(arg));
      const fill = kwargs.get("fillvalue") ?? null;
      const n = Math.max(0, ...lists.map((list) => list.length));
      return tuples(
        Array.from({ length: n }, (_, i) => lists.map((list) => list[i] ?? fill)),
        "itertools.zip_longest",
      );
    }),
    accumulate: fn("accumulate", ([items]) => {
      let total: number | undefined;
      return new PyGenerator(
        iterate(items ?? []).map((item) => {
          const n = numeric(item)?.n ?? 0;
          total = total === undefined ? n : total + n;
          return total;
        }),
        "itertools.accumulate",
      );
    }),
    groupby: fn("groupby", ([items]) => {
      const groups: PyTuple[] = [];
      for (const item of iterate(items ?? [])) {
        const last = groups.at(-1);
        if (last && compare(last.items[0]!, item, "==") === 0)
          (last.items[1] as Value[]).push(item);
        else groups.push(new PyTuple([item, [item]]));
      }
      return new PyGenerator(groups, "itertools.groupby");
    }),
  });
}

// ---------------------------------------------------------------------------------------------

function pytzModule(): Namespace {
  return new Namespace("pytz", {
    utc: UTC,
    UTC,
    timezone: fn("timezone", ([name]) => {
      const zone = str(name ?? "");
      if (zone.toUpperCase() === "UTC") return UTC;
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
      } catch {
        throw new JinjaError("UnknownTimeZoneError", `'${zone}'`);
      }
      return new PyTimezone(zone);
    }),
  });
}

/** `modules`: datetime, pytz, re, itertools; `now()` is the run's start, so one run renders one SQL. */
export function pythonModules(runStartedAt: PyDateTime): PyObject {
  const clock = () => runStartedAt.withZone(undefined, 0);
  return new Namespace("modules", {
    datetime: datetimeModule(clock),
    pytz: pytzModule(),
    re: reModule(),
    itertools: itertoolsModule(),
  });
}
