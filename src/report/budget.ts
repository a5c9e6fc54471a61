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

  /**
   * `redact` is what the text goes through on its way out: the size that counts is the size
   * after it (a secret shorter than its replacement makes the text longer).
   */
  constructor(
    private readonly limit: SizeLimit,
    reserved: number,
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    this.left = limit.max - reserved;
  }

  /** Takes `text` (plus the blank line that joins it) if it fits. */
  take(text: string): boolean {
    const size = this.limit.measure(this.redact(text)) + 2;
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
