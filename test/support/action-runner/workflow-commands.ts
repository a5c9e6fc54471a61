export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

const levels = new Set(["error", "warning", "notice"]);

/**
 * Reads the action's output lines the way the runner does: `::command k=v,k=v::data` at the start of
 * a line (after leading blanks), nothing parsed between `::stop-commands::TOKEN` and `::TOKEN::`, and
 * values registered with `::add-mask::` replaced by *** in the log from then on.
 */
export class CommandLog {
  readonly annotations: Annotation[] = [];
  readonly masks: string[] = [];
  private readonly lines: string[] = [];
  private resumeToken: string | undefined;

  push(line: string): void {
    this.interpret(line);
    this.lines.push(this.mask(line));
  }

  get log(): string {
    return this.lines.map((line) => `${line}\n`).join("");
  }

  private interpret(line: string): void {
    const text = line.trimStart();
    if (this.resumeToken !== undefined) {
      if (text === `::${this.resumeToken}::`) this.resumeToken = undefined;
      return;
    }
    const command = parseCommand(text);
    if (!command) return;
    if (command.name === "stop-commands" && command.data !== "") this.resumeToken = command.data;
    else if (command.name === "add-mask" && command.data !== "") this.masks.push(command.data);
    else if (levels.has(command.name)) {
      this.annotations.push(toAnnotation(command.name as Annotation["level"], command));
    }
  }

  private mask(line: string): string {
    return this.masks.reduce((masked, secret) => masked.split(secret).join("***"), line);
  }
}

interface Command {
  name: string;
  properties: Map<string, string>;
  data: string;
}

function parseCommand(text: string): Command | undefined {
  if (!text.startsWith("::")) return undefined;
  const end = text.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  const properties = new Map<string, string>();
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(",")
      .filter(Boolean)) {
      const equals = pair.indexOf("=");
      if (equals <= 0 || equals === pair.length - 1) continue;
      // Property names are case-insensitive on the runner.
      properties.set(
        pair.slice(0, equals).toLowerCase(),
        unescape(pair.slice(equals + 1), propertyEscapes),
      );
    }
  }
  return { name, properties, data: unescape(text.slice(end + 2), dataEscapes) };
}

// The runner's own order, applied one after the other; "%25" last so "%250A" stays a literal "%0A".
const dataEscapes: Array<[string, string]> = [
  ["%0D", "\r"],
  ["%0A", "\n"],
  ["%25", "%"],
];
const propertyEscapes: Array<[string, string]> = [
  ["%0D", "\r"],
  ["%0A", "\n"],
  ["%3A", ":"],
  ["%2C", ","],
  ["%25", "%"],
];

function unescape(text: string, escapes: Array<[string, string]>): string {
  return escapes.reduce((value, [code, char]) => value.split(code).join(char), text);
}

function toAnnotation(level: Annotation["level"], command: Command): Annotation {
  const annotation: Annotation = { level, message: command.data };
  const text = (key: string) => command.properties.get(key.toLowerCase());
  const number = (key: string) => {
    const value = Number.parseInt(text(key) ?? "", 10);
    return Number.isNaN(value) ? undefined : value;
  };
  const file = text("file");
  const title = text("title");
  if (file !== undefined) annotation.file = file;
  if (title !== undefined) annotation.title = title;
  for (const key of ["line", "endLine", "col", "endColumn"] as const) {
    const value = number(key);
    if (value !== undefined) annotation[key] = value;
  }
  return annotation;
}
