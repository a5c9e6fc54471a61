/**
 * Memoises work on file contents. A base and a head revision share most of their files, so
 * parsing (and the parse-phase render) done for one load serves the other. Keys include the full
 * content, so an entry cannot go stale; the bound keeps a long-lived process from growing
 * without limit.
 */
export class ContentCache<V> {
  /** Keyed by each part in turn: file texts are not copied into one long key string. */
  private entries = new Map<string, unknown>();
  private size = 0;

  constructor(private readonly limit = 50_000) {}

  getOrCreate(keys: readonly string[], create: () => V): V {
    let level = this.entries;
    for (const key of keys.slice(0, -1)) {
      let next = level.get(key) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    const last = keys.at(-1) ?? "";
    const found = level.get(last) as V | undefined;
    if (found !== undefined) return found;
    const value = create();
    if (this.size >= this.limit) {
      this.entries = new Map();
      this.size = 0;
      return this.getOrCreate(keys, () => value);
    }
    level.set(last, value);
    this.size++;
    return value;
  }
}

/** Freezes a parsed value so that sharing it between loads cannot leak a mutation. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
