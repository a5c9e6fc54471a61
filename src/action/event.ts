/** The parts of the triggering event this action reads (from @actions/github's context). */
export interface EventContext {
  eventName: string;
  payload: {
    pull_request?: { number?: number; base?: { sha?: unknown }; head?: { sha?: string } };
    /** A merge queue's group: its head is the base plus the queued pull requests. */
    merge_group?: { base_sha?: unknown };
    before?: unknown;
    after?: string;
  };
  sha: string;
}

/** A field of the event that should hold a commit sha holds something else. */
function notASha(field: string, value: unknown): Error {
  const what = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  return new Error(
    `The event's \`${field}\` is not a commit sha (it is ${what}). Set the \`base-ref\` input to ` +
      "the revision to compare with, or `models` to choose what to deploy.",
  );
}

const NO_COMMIT = /^0+$/;

/** DESIGN 3 `base-ref` default: the pull request's base, the merge group's base, or the push's `before`. */
export function eventBaseRevision(context: EventContext): string | undefined {
  const prBase = context.payload.pull_request?.base?.sha ?? context.payload.merge_group?.base_sha;
  if (prBase !== undefined && typeof prBase !== "string") {
    throw notASha(
      context.payload.pull_request ? "pull_request.base.sha" : "merge_group.base_sha",
      prBase,
    );
  }
  if (prBase) return prBase;
  const before = context.payload.before;
  if (before !== undefined && typeof before !== "string") throw notASha("before", before);
  // A push that creates a branch has an all-zero `before`: there is nothing to diff against.
  if (before && !NO_COMMIT.test(before)) return before;
  return undefined;
}
