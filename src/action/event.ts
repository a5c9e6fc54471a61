/** The parts of the triggering event this action reads (from @actions/github's context). */
export interface EventContext {
  eventName: string;
  payload: {
    pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
    /** A merge queue's group: its head is the base plus the queued pull requests. */
    merge_group?: { base_sha?: string };
    before?: string;
    after?: string;
  };
  sha: string;
}

const NO_COMMIT = /^0+$/;

/** DESIGN 3 `base-ref` default: the pull request's base, the merge group's base, or the push's `before`. */
export function eventBaseRevision(context: EventContext): string | undefined {
  const prBase = context.payload.pull_request?.base?.sha ?? context.payload.merge_group?.base_sha;
  if (prBase) return prBase;
  const before = context.payload.before;
  // A push that creates a branch has an all-zero `before`: there is nothing to diff against.
  if (before && !NO_COMMIT.test(before)) return before;
  return undefined;
}
