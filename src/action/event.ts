/** The parts of the triggering event this action reads (from @actions/github's context). */
export interface EventContext {
  eventName: string;
  payload: {
    pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
    before?: string;
    after?: string;
  };
  sha: string;
}

const NO_COMMIT = /^0+$/;

/** DESIGN 3 `base-ref` default: the pull request's base, or the push's `before`. */
export function eventBaseRevision(context: EventContext): string | undefined {
  const prBase = context.payload.pull_request?.base?.sha;
  if (prBase) return prBase;
  const before = context.payload.before;
  // A push that creates a branch has an all-zero `before`: there is nothing to diff against.
  if (before && !NO_COMMIT.test(before)) return before;
  return undefined;
}
