/**
 * Every macro a template can reach, as dbt's MacroNamespace arranges them: the project's own
 * macros first, then installed packages by name (`dbt_utils.star`), then dbt's global project
 * (as `dbt.…` and by bare name). Each macro compiles on its first call; one that cannot compile,
 * or is defined twice, fails only its callers, naming its file and line.
 */
import { ContentCache } from "../content-cache.js";
import { ProjectError } from "../errors.js";
import { compileMacro } from "../jinja/engine.js";
import { Macro } from "../jinja/interpreter.js";
import { TemplateSyntaxError } from "../jinja/errors.js";
import { type PyCallable, PyObject, type Value } from "../jinja/values.js";
import { GLOBAL_PROJECT_FILE, GLOBAL_PROJECT_SOURCE } from "./global-project.js";
import { macroBlocks } from "./macro-blocks.js";

export interface MacroFile {
  file: string;
  text: string;
}

/** A macro that cannot be called: calling it fails with why. */
export class BrokenMacro implements PyCallable {
  readonly callable = true;
  constructor(
    readonly name: string,
    readonly error: ProjectError,
  ) {}
  call(): Value {
    throw this.error;
  }
}

interface MacroEntry {
  name: string;
  file: string;
  line: number;
  source: string;
  value?: PyCallable;
  duplicateOf?: string;
}

const compiledMacros = new ContentCache<PyCallable>();

/** One package's macros; in templates, `dbt_utils` is this object and `dbt_utils.star` a macro. */
export class MacroNamespace extends PyObject {
  readonly typeName = "MacroNamespace";
  private readonly entries = new Map<string, MacroEntry>();

  constructor(
    readonly packageName: string,
    files: MacroFile[],
    readonly problems: ProjectError[] = [],
  ) {
    super();
    for (const { file, text } of files) {
      const { blocks, problem } = macroBlocks(text);
      if (problem) {
        problems.push(
          new ProjectError(
            `the macro file cannot be read as dbt reads it: ${problem.message}; its macros are not available.`,
            { file, line: problem.line },
          ),
        );
      }
      for (const block of blocks) {
        if (block.kind !== "macro") continue;
        const earlier = this.entries.get(block.name);
        if (earlier) {
          earlier.duplicateOf ??= `${file}:${block.line}`;
          continue;
        }
        this.entries.set(block.name, {
          name: block.name,
          file,
          line: block.line,
          source: block.source,
        });
      }
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  macro(name: string): PyCallable | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    entry.value ??= this.compile(entry);
    return entry.value;
  }

  getattr(name: string): Value | undefined {
    return this.macro(name);
  }

  /** dbt's package namespaces are dicts, so `dbt_utils._is_relation` is an item lookup. */
  override isMapping(): boolean {
    return true;
  }

  override repr(): string {
    return `<MacroNamespace ${this.packageName}>`;
  }

  private compile(entry: MacroEntry): PyCallable {
    if (entry.duplicateOf) {
      return new BrokenMacro(
        entry.name,
        new ProjectError(
          `macro ${entry.name} is defined twice in package ${this.packageName} (also at ${entry.duplicateOf}).`,
          { file: entry.file, line: entry.line },
          "Rename or remove one of them.",
        ),
      );
    }
    return compiledMacros.getOrCreate(
      [this.packageName, entry.file, String(entry.line), entry.source],
      () => {
        try {
          return new Macro(compileMacro(entry.source, entry.file, entry.line), undefined);
        } catch (error) {
          if (!(error instanceof TemplateSyntaxError)) throw error;
          return new BrokenMacro(
            entry.name,
            new ProjectError(`Jinja syntax error in macro ${entry.name}: ${error.message}.`, {
              file: error.file,
              line: error.line,
            }),
          );
        }
      },
    );
  }
}

export interface PackageMacros {
  name: string;
  files: MacroFile[];
}

/** The project's and its packages' macros, and dbt's global project. */
export class MacroLibrary {
  readonly root: MacroNamespace;
  readonly packages = new Map<string, MacroNamespace>();
  readonly internal: MacroNamespace;
  readonly problems: ProjectError[] = [];

  constructor(rootName: string, rootFiles: MacroFile[], installed: PackageMacros[]) {
    this.root = new MacroNamespace(rootName, rootFiles, this.problems);
    this.packages.set(rootName, this.root);
    for (const pkg of installed) {
      if (!this.packages.has(pkg.name))
        this.packages.set(pkg.name, new MacroNamespace(pkg.name, pkg.files, this.problems));
    }
    this.internal = globalProject();
  }

  /** A name as the context resolves it: a macro of the project, a package, `dbt`, a global macro. */
  resolve(name: string): Value | undefined {
    return (
      this.root.macro(name) ??
      this.packages.get(name) ??
      (name === "dbt" ? this.internal : undefined) ??
      this.internal.macro(name)
    );
  }

  /** dbt's MacroNamespace.get_from_package. */
  fromPackage(packageName: string | null, name: string): PyCallable | undefined {
    if (packageName === null) {
      const found = this.resolve(name);
      return found && typeof found === "object" && (found as PyCallable).callable
        ? (found as PyCallable)
        : undefined;
    }
    if (packageName === "dbt") return this.internal.macro(name);
    return this.packages.get(packageName)?.macro(name);
  }
}

let globalNamespace: MacroNamespace | undefined;

function globalProject(): MacroNamespace {
  globalNamespace ??= new MacroNamespace("dbt", [
    { file: GLOBAL_PROJECT_FILE, text: GLOBAL_PROJECT_SOURCE },
  ]);
  return globalNamespace;
}
