/**
 * Where a report goes decides how large it may be. GitHub refuses a comment body over 65,536
 * characters (it counts code points; a UTF-16 length is never smaller) and a job summary over
 * 1 MiB per step (bytes).
 */
export interface SizeLimit {
  /** What the reader of the note is told the limit is. */
  name: string;
  max: number;
  measure(text: string): number;
}

export const COMMENT_LIMIT = 65_536;
export const SUMMARY_LIMIT = 1024 * 1024;

export const commentLimit: SizeLimit = {
  name: `GitHub's ${COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit`,
  max: COMMENT_LIMIT,
  measure: (text) => text.length,
};

export const summaryLimit: SizeLimit = {
  name: "the job summary's 1 MiB limit",
  max: SUMMARY_LIMIT,
  measure: (text) => Buffer.byteLength(text, "utf8"),
};

export const noLimit: SizeLimit = {
  name: "no limit",
  max: Number.POSITIVE_INFINITY,
  measure: (text) => text.length,
};

/** A running allowance: parts are taken in priority order while they fit. */
export class Budget {
  private left: number;

  constructor(
    private readonly limit: SizeLimit,
    reserved: number,
  ) {
    this.left = limit.max - reserved;
  }

  /** Takes `text` (plus the blank line that joins it) if it fits. */
  take(text: string): boolean {
    const size = this.limit.measure(text) + 2;
    if (size > this.left) return false;
    this.left -= size;
    return true;
  }

  /** The first candidate that fits, most detailed first. */
  takeFirst<T>(candidates: Iterable<[T, string]>): [T, string] | undefined {
    for (const candidate of candidates) {
      if (this.take(candidate[1])) return candidate;
    }
    return undefined;
  }

  get remaining(): number {
    return this.left;
  }
}
