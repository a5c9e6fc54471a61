/**
 * A problem in the user's dbt project. `file` is repo-relative so it can become a GitHub annotation;
 * the message names the file, the line where known, and what to do about it.
 */
export class ProjectError extends Error {
  readonly file: string;
  readonly line?: number;
  /** The problem and its fix without the location, for outputs that show the location apart. */
  readonly description: string;

  constructor(
    readonly problem: string,
    where: { file: string; line?: number },
    readonly fix?: string,
    /** Further problems found in the same pass, so one run reports them all. */
    readonly additional: ProjectError[] = [],
  ) {
    const location = where.line === undefined ? where.file : `${where.file}:${where.line}`;
    const more = additional.length > 0 ? ` (and ${additional.length} more problem(s))` : "";
    super(`${location}: ${problem}${fix ? ` ${fix}` : ""}${more}`);
    this.description = `${problem}${fix ? ` ${fix}` : ""}`;
    this.name = "ProjectError";
    this.file = where.file;
    this.line = where.line;
  }

  /** Every problem carried by this error, itself first. */
  all(): ProjectError[] {
    return [this, ...this.additional];
  }
}

/** Throws the collected problems as one error (the first, carrying the rest), if there are any. */
export function throwCollected(errors: ProjectError[]): void {
  const [first, ...rest] = errors.flatMap((error) => error.all());
  if (!first) return;
  if (rest.length === 0) throw first;
  throw new ProjectError(first.problem, first, first.fix, rest);
}
