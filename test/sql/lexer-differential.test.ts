// Differential fuzzing of the single-statement guard against two oracles: PostgreSQL's real
// parser (libpg_query) and a model of RisingWave's tokenizer written from its source (three
// variants, see risingwave-tokenizer.ts). The property: whatever the guard accepts as one
// statement, no oracle splits into two. Seeded and bounded, so it runs the same inputs every time.
import { beforeAll, describe, expect, it } from "vitest";
import { requireSingleStatement, SqlShapeError } from "../../src/sql/single-statement.js";
import {
  loadPostgresParser,
  postgresStatementCount,
} from "../support/sql-oracles/postgres-parser.js";
import {
  risingWaveStatementCount,
  type RisingWaveVariant,
} from "../support/sql-oracles/risingwave-tokenizer.js";

const VARIANTS: RisingWaveVariant[] = ["v2.2", "v3.0", "main"];
// FUZZ_SEED and FUZZ_COUNT run other or more inputs by hand (60,000 take about 12 s).
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const GENERATED = Number(process.env.FUZZ_COUNT ?? 8_000);

/** mulberry32: small, fast and the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STACKED = ["; drop table t", ";drop table t;", "; drop table t; --", ";\ndrop table t"];
const FRAGMENTS = [
  ...[" ", "\n", "\r", "\r\n", "\t", "\f", "\v", "\u00a0", "\u3000", "\ufeff"],
  ...["select 1", "select", " x ", "1", "a.b", "(", ")", ",", "t", "from", "as", "e", "E", "x"],
  ...["'", "''", '"', '""', "E'", "e'", "\\'", "\\", "\\\\", "U&'", "N'", "X'", "B'", "n'"],
  ...["--", "-- c", "/*", "*/", "/*/", "*/*", "/**/", "/* /* */", "*", "/", "-"],
  ...[
    "$$",
    "$a$",
    "$A$",
    "$_$",
    "$1$",
    "$1a$",
    "$1_$",
    "$é$",
    "$€$",
    "$",
    "$1",
    "$a",
    "$$$",
    "1$a$",
  ],
  ...["1e", "1e-", "1e--", ".5e", "1.E", "2.5E", "0x1f", "0b", "1.", ".5", "1e5", "1e+", "9"],
  ...["#-", "#--", "|/", "||/", "|/*", "->>", "#>>", "@>", "::", "||", "<-", "!", "?"],
  ...["é", "ß", "😀", "\0", "{{ x }}", "{# c #}", "\\gset"],
];
/** Constructs that hide text from one reader but not the other, each with its way out. */
const HIDING: Array<[string, string]> = [
  ["/* /*/ */", "-- */"],
  ["1 /* /* */* */ ' */", "-- '"],
  ["-- x\r", "--"],
  ["E'a'\n'\\''", "--'"],
  ["1e--1", ""],
  [".5e--1", ""],
  ["$1_$ ' $1_$", "-- '"],
  ["$1a$ ' $1a$", "-- '"],
  ["#--1", ""],
  ["1 ||/*", "-- */ 2"],
  ["|/*", "-- */ 4"],
  ["1.E'\\'", "--'"],
  ["$$x$$E'\\''", "--'"],
  ["0x1f$a$", ""],
  ["é$a$", ""],
];

/** Model SQL a RisingWave team writes; also the seeds that the generator mutates. */
const ORDINARY = [
  "select window_start, count(*) as n from tumble(orders, created_at, interval '1 minute') group by window_start emit on window close",
  "select * from hop(orders, created_at, interval '1' minute, interval '5' minute)",
  "select payload ->> 'id' as id, payload #>> '{a,b}' as ab, payload @> '{\"x\": 1}' as has_x from events",
  "select $$a;b$$ as d, $fn$ -- ; $fn$ as f, E'it\\'s' as e, 'x''y;' as q, \"we;ird\" from t",
  "select /* outer /* inner ; */ still */ 1 as x -- trailing; comment\r\n",
  "select 1.5e-3 as r, .5 as h, 10 as i, 0x1F as hex, amount::numeric(10, 2) as a from t",
  "select id from t where name like 'a\\_%' and kind in ('a', 'b') order by id desc",
  "select U&'d\\0061t' as u, N'n' as n, X'1F' as x, B'01' as b",
  "select 'é' as accent, $$😀$$ as emoji /* ß */",
  "select count(*) filter (where x > 1) over (partition by y) from t;",
];

function longTag(next: () => number): string {
  const length = Math.floor(next() * 300);
  const alphabet = "Aa_z9é";
  let tag = "";
  for (let i = 0; i < length; i++) tag += alphabet[Math.floor(next() * alphabet.length)];
  return `$${tag}$`;
}

function generate(count: number, seed: number): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const inputs = new Set<string>();
  while (inputs.size < count) {
    const shape = next();
    let sql: string;
    if (shape < 0.4) {
      const [open, close] = pick(HIDING);
      sql = `select ${open} ${pick(STACKED)} ${close}`;
    } else if (shape < 0.55) {
      const tag = longTag(next);
      sql = `select ${tag} ' ${tag} ${pick(STACKED)} -- '`;
    } else if (shape < 0.75) {
      sql = pick(ORDINARY);
      const edits = 1 + Math.floor(next() * 3);
      for (let i = 0; i < edits; i++) {
        const at = Math.floor(next() * (sql.length + 1));
        const insert = next() < 0.3 ? pick(STACKED) : pick(FRAGMENTS);
        sql = sql.slice(0, at) + insert + sql.slice(at + (next() < 0.3 ? 1 : 0));
      }
    } else {
      const parts = ["select "];
      const length = 2 + Math.floor(next() * 7);
      for (let i = 0; i < length; i++) {
        const roll = next();
        parts.push(
          roll < 0.15 ? pick(STACKED) : roll < 0.25 ? pick(pick(HIDING)) : pick(FRAGMENTS),
        );
      }
      sql = parts.join("");
    }
    inputs.add(sql);
  }
  return [...inputs];
}

/** What the product does with a model's SQL before wrapping it (model-compile.ts). */
function stripStatementEnd(rendered: string): string {
  const trimmed = rendered.trim();
  return trimmed.endsWith(";") ? trimmed.slice(0, -1).trimEnd() : trimmed;
}

interface Context {
  name: "hook" | "model";
  checked: (sql: string) => string;
  executed: (checked: string) => string;
}

const CONTEXTS: Context[] = [
  { name: "hook", checked: (sql) => sql.trim(), executed: (checked) => checked },
  {
    name: "model",
    checked: stripStatementEnd,
    executed: (checked) => `CREATE MATERIALIZED VIEW "public"."m" AS ${checked}`,
  },
];

function accepted(sql: string): boolean {
  try {
    requireSingleStatement(sql, "m");
    return true;
  } catch (error) {
    if (error instanceof SqlShapeError) return false;
    throw error;
  }
}

type Counts = Record<"postgres" | RisingWaveVariant, number | "error">;

function oracleCounts(sql: string): Counts {
  const counts = { postgres: postgresStatementCount(sql) } as Counts;
  for (const variant of VARIANTS) counts[variant] = risingWaveStatementCount(sql, variant);
  return counts;
}

const splits = (count: number | "error") => count !== "error" && count >= 2;

beforeAll(() => loadPostgresParser());

describe("the single-statement guard against PostgreSQL's parser and RisingWave's tokenizer", () => {
  it(`accepts nothing that an oracle splits, over ${GENERATED} generated inputs in two contexts`, () => {
    const holes: Array<{ context: string; sql: string; counts: Counts }> = [];
    let acceptedCount = 0;
    let splitByAnOracle = 0;
    let oraclesDisagree = 0;
    for (const input of generate(GENERATED, SEED)) {
      for (const context of CONTEXTS) {
        const checked = context.checked(input);
        const counts = oracleCounts(context.executed(checked));
        const values = Object.values(counts).map(String);
        if (Object.values(counts).some(splits)) splitByAnOracle++;
        if (new Set(values).size > 1) oraclesDisagree++;
        if (!accepted(checked)) continue;
        acceptedCount++;
        if (Object.values(counts).some(splits))
          holes.push({ context: context.name, sql: input, counts });
      }
    }
    expect(holes.slice(0, 10), `${holes.length} accepted inputs split by an oracle`).toEqual([]);
    // The generator must reach the hard cases, or this test could not fail: texts that the
    // oracles split, texts on which they disagree with each other, and texts the guard accepts.
    expect(splitByAnOracle).toBeGreaterThan(GENERATED / 4);
    expect(oraclesDisagree).toBeGreaterThan(GENERATED / 10);
    expect(acceptedCount).toBeGreaterThan(GENERATED / 20);
  });

  it("reaches every hiding construct: each one splits for at least one oracle and is refused", () => {
    for (const [open, close] of HIDING) {
      const sql = `select ${open} ; drop table t ${close}`;
      const counts = oracleCounts(sql);
      expect(
        Object.values(counts).some(splits),
        `${JSON.stringify(sql)}: ${JSON.stringify(counts)}`,
      ).toBe(true);
      expect(accepted(sql), JSON.stringify(sql)).toBe(false);
    }
  });

  it.each(ORDINARY)(
    "accepts ordinary RisingWave SQL, and every RisingWave reading agrees: %s",
    (sql) => {
      for (const context of CONTEXTS) {
        const checked = context.checked(sql);
        expect(accepted(checked)).toBe(true);
        const counts = oracleCounts(context.executed(checked));
        for (const variant of VARIANTS) expect(counts[variant], variant).toBe(1);
        expect([1, "error"]).toContain(counts.postgres);
      }
    },
  );
});
