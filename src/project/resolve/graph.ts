import type { DbtProject } from "../types.js";

/** A ref cycle, as the models in ref order with the first repeated at the end. */
export class RefCycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`ref cycle: ${cycle.join(" → ")}`);
  }
}

/**
 * Orders models upstream first: a depth-first post-order, visiting models by name and refs in
 * the order written, so the order is stable across runs. Iterative, since a long chain of refs
 * would overflow the call stack.
 */
export function topologicalOrder(refsOf: Map<string, string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  for (const root of [...refsOf.keys()].sort()) {
    if (state.has(root)) continue;
    const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
    state.set(root, "visiting");
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const refs = refsOf.get(frame.name) ?? [];
      const ref = refs[frame.next++];
      if (ref === undefined) {
        stack.pop();
        state.set(frame.name, "done");
        order.push(frame.name);
      } else if (state.get(ref) === "visiting") {
        const start = stack.findIndex((f) => f.name === ref);
        throw new RefCycleError([...stack.slice(start).map((f) => f.name), ref]);
      } else if (!state.has(ref) && refsOf.has(ref)) {
        state.set(ref, "visiting");
        stack.push({ name: ref, next: 0 });
      }
    }
  }
  return order;
}

/** The given models and every model that refs them, directly or not. */
export function downstreamClosure(project: DbtProject, names: Iterable<string>): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const model of project.models.values()) {
    for (const ref of model.refs) {
      const list = dependents.get(ref);
      if (list) list.push(model.name);
      else dependents.set(ref, [model.name]);
    }
  }
  const closure = new Set<string>();
  const queue = [...names];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (closure.has(name)) continue;
    closure.add(name);
    queue.push(...(dependents.get(name) ?? []));
  }
  return closure;
}
