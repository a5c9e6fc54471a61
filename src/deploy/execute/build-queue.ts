/** One unit of work: it starts once every item it comes `after` has succeeded. */
export interface QueueItem {
  key: string;
  after: string[];
  /** Runs on `lane` (0 … maxParallel - 1); false or a throw counts as a failure. */
  run: (lane: number) => Promise<boolean>;
}

/**
 * Issue 12 item 1: independent items run side by side, at most `maxParallel` at once, each on a
 * lane of its own; an item waits only for the items it comes after. Fail fast: after a failure
 * nothing new starts (what is running is left to finish or stop). Items are started in the
 * order given (upstream first). Resolves when nothing runs any more.
 */
export function runBuildQueue(items: QueueItem[], maxParallel: number): Promise<void> {
  const known = new Set(items.map((item) => item.key));
  const succeeded = new Set<string>();
  const pending = [...items];
  const freeLanes = Array.from({ length: Math.max(1, maxParallel) }, (_, lane) => lane);
  let running = 0;
  let failed = false;
  return new Promise((resolve) => {
    const ready = (item: QueueItem) =>
      item.after.every((key) => !known.has(key) || succeeded.has(key));
    const pump = () => {
      while (!failed && freeLanes.length > 0) {
        const next = pending.findIndex(ready);
        if (next < 0) break;
        const [item] = pending.splice(next, 1) as [QueueItem];
        const lane = freeLanes.shift() as number;
        running++;
        void item
          .run(lane)
          .catch(() => false)
          .then((ok) => {
            if (ok) succeeded.add(item.key);
            else failed = true;
            running--;
            freeLanes.push(lane);
            freeLanes.sort((a, b) => a - b);
            pump();
          });
      }
      if (running === 0) resolve();
    };
    pump();
  });
}

/**
 * Whether two of the items could ever run at the same time: neither comes after the other,
 * directly or through others. A chain never overlaps, whatever max-parallel says.
 */
export function canOverlap(items: Pick<QueueItem, "key" | "after">[]): boolean {
  const after = new Map(items.map((item) => [item.key, item.after]));
  const upstream = new Map<string, Set<string>>();
  const reach = (key: string): Set<string> => {
    const known = upstream.get(key);
    if (known) return known;
    const found = new Set<string>();
    upstream.set(key, found);
    for (const parent of after.get(key) ?? []) {
      if (!after.has(parent)) continue;
      found.add(parent);
      for (const further of reach(parent)) found.add(further);
    }
    return found;
  };
  const keys = [...after.keys()];
  return keys.some((a, i) => keys.slice(i + 1).some((b) => !reach(a).has(b) && !reach(b).has(a)));
}
