/**
 * Memoises work on file contents. A base and a head revision share most of their files, so
 * parsing (and the parse-phase render) done for one load serves the other. Keys include the full
 * content, so an entry cannot go stale; the bound keeps a long-lived process from growing
 * without limit.
 */
export class ContentCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit = 50_000) {}

  getOrCreate(key: string, create: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    const value = create();
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
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
