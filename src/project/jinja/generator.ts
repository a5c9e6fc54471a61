import { PyObject, typeError, type Value } from "./values.js";

/**
 * What Jinja2's `map`, `select`, `unique`, `batch`, `reverse`… return: a generator, which can be
 * iterated once, has no length, is always true, and prints as `<generator object …>` (an address
 * that changes every run, so printing one is refused rather than rendered).
 */
export class PyGenerator extends PyObject {
  private consumed = false;

  constructor(
    private readonly items: Value[],
    readonly typeName = "generator",
  ) {
    super();
  }

  getattr(): Value | undefined {
    return undefined;
  }

  override iterate(): Value[] {
    if (this.consumed) return [];
    this.consumed = true;
    return this.items;
  }

  override length(): number {
    throw typeError(`object of type '${this.typeName}' has no len()`);
  }

  override str(): string {
    throw typeError(
      `a ${this.typeName} prints as '<${this.typeName} object at 0x…>' in dbt, a different text every run; add '| list' or '| join' before printing it`,
    );
  }

  override repr(): string {
    return this.str();
  }
}
