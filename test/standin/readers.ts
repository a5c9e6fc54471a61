// Concurrent readers that query one relation name in a loop, as a dashboard would
// while a deploy swaps MVs underneath it. Half the reads use the simple protocol,
// half the extended one (a bound parameter).
import pg from "pg";

export interface ReadResult {
  reads: number;
  errors: string[];
  /** Distinct marker values seen, i.e. which object the name pointed at. */
  markers: Set<string>;
}

const MAX_READS_PER_READER = 5_000;

export class Readers {
  private stopped = false;
  private readonly result: ReadResult = { reads: 0, errors: [], markers: new Set() };
  private readonly loops: Promise<void>[];

  /**
   * @param expectedRows rows each marker's object holds; a read whose count does
   *   not match its marker would be a torn read and is counted as an error.
   */
  private constructor(
    private readonly clients: pg.Client[],
    relation: string,
    expectedRows: Record<string, number>,
  ) {
    this.loops = clients.map((client) => this.loop(client, relation, expectedRows));
  }

  static async start(
    url: string,
    relation: string,
    expectedRows: Record<string, number>,
    count = 8,
  ): Promise<Readers> {
    const clients = Array.from({ length: count }, () => new pg.Client({ connectionString: url }));
    await Promise.all(clients.map((c) => c.connect()));
    return new Readers(clients, relation, expectedRows);
  }

  private async loop(client: pg.Client, relation: string, expectedRows: Record<string, number>) {
    const simple = `SELECT count(*)::int AS n, max(marker) AS marker FROM ${relation}`;
    const extended = `${simple} WHERE id > $1`;
    for (let i = 0; !this.stopped && i < MAX_READS_PER_READER; i++) {
      try {
        const { rows } =
          i % 2 === 0 ? await client.query(simple) : await client.query(extended, [0]);
        const { n, marker } = rows[0] as { n: number; marker: string };
        if (expectedRows[marker] !== n)
          this.result.errors.push(`torn read: ${n} rows marked ${marker}`);
        this.result.markers.add(marker);
      } catch (error) {
        this.result.errors.push((error as Error).message);
      }
      this.result.reads++;
    }
  }

  get reads(): number {
    return this.result.reads;
  }

  /** Resolves once `more` further reads have completed (bounded by timeoutMs). */
  async waitForMoreReads(more: number, timeoutMs = 15_000): Promise<void> {
    const target = this.result.reads + more;
    const deadline = Date.now() + timeoutMs;
    while (this.result.reads < target) {
      if (Date.now() > deadline)
        throw new Error(`readers made only ${this.result.reads} of ${target} reads`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<ReadResult> {
    this.stopped = true;
    await Promise.all(this.loops);
    await Promise.all(this.clients.map((c) => c.end()));
    return this.result;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
