/**
 * Memoises work on file contents. A base and a head revision share most of their files, so
 * parsing (and the parse-phase render) done for one load serves the other. Keys include the full
 * content, so an entry cannot go stale; the bound keeps a long-lived process from growing
 * without limit.
 */
export class ContentCache<V> {
  /**
   * Keyed by each part in turn: file texts are not copied into one long key string. Values for
   * the last part sit in a Leaf while there is one (a file seen with one content, the usual
   * case), which saves thousands of one-entry Maps, and in a Map once there are more.
   */
  private entries = new Map<string, unknown>();
  private size = 0;

  constructor(private readonly limit = 50_000) {}

  getOrCreate(keys: readonly string[], create: () => V): V {
    // A lone key gets an empty one before it, so that there is always a level above the Slot.
    const path = keys.length < 2 ? ["", ...keys] : keys;
    const last = path.length - 1;
    let level: Map<string, unknown> | undefined = this.entries;
    for (let i = 0; i < last - 1 && level; i++) {
      level = level.get(path[i]!) as Map<string, unknown> | undefined;
    }
    const found = (level?.get(path[last - 1]!) as Slot<V> | undefined)?.get(path[last] ?? "");
    if (found !== undefined) return found;
    const value = create();
    if (this.size >= this.limit) {
      this.entries = new Map();
      this.size = 0;
    }
    this.store(path, value);
    this.size++;
    return value;
  }

  private store(path: readonly string[], value: V): void {
    const last = path.length - 1;
    let level = this.entries;
    for (let i = 0; i < last - 1; i++) {
      const key = path[i]!;
      let next = level.get(key) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    const key = path[last - 1]!;
    const lastKey = path[last] ?? "";
    const slot = level.get(key) as Slot<V> | undefined;
    level.set(key, slot === undefined ? new Leaf(lastKey, value) : slot.with(lastKey, value));
  }
}

type Slot<V> = Leaf<V> | Values<V>;

class Leaf<V> {
  constructor(
    private readonly key: string,
    private readonly value: V,
  ) {}
  get(key: string): V | undefined {
    return key === this.key ? this.value : undefined;
  }
  with(key: string, value: V): Slot<V> {
    return new Values(
      new Map([
        [this.key, this.value],
        [key, value],
      ]),
    );
  }
}

class Values<V> {
  constructor(private readonly values: Map<string, V>) {}
  get(key: string): V | undefined {
    return this.values.get(key);
  }
  with(key: string, value: V): Slot<V> {
    this.values.set(key, value);
    return this;
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
