// Part 6's lines of the bench report, and the claims it checks (issue 12).
import { percent } from "./text.mjs";
const PARALLEL_RATIO_BOUND = 0.6;
const CUT_OVER_BOUND_MS = 100;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

export function renderStagedReport(staged) {
  if (staged.error) return [`6. staged deploy: not measured: ${staged.error}`];
  const [one, four] = staged.parallel;
  const lines = [
    `6. staged deploy (each temp MV backfills ${seconds(staged.backfillMs)} of wall time on the stand-in)`,
    `   4 independent changed MVs: max-parallel 1 ${seconds(one.wallMs)}, max-parallel 4 ${seconds(four.wallMs)} ` +
      `(${percent(four.wallMs / one.wallMs)})`,
  ];
  for (const row of staged.chain) {
    lines.push(
      `   chain orders → customer_totals → big_spenders, ${row.label}: deploy ${seconds(row.deployMs)}, ` +
        `${row.mixedReads} of ${row.reads} reads mixed versions over ${row.mixedMs} ms, ${row.failed} failed` +
        (row.cutOverMs === undefined ? "" : `, reported cut-over window ${row.cutOverMs} ms`),
    );
  }
  return lines;
}

export function checkStagedClaims(staged) {
  if (staged.error) return [{ ok: false, text: `part 6 (staged deploy): ${staged.error}` }];
  const [one, four] = staged.parallel;
  const stagedChain = staged.chain.find((row) => row.cutOverMs !== undefined);
  return [
    {
      ok:
        four.wallMs <= one.wallMs * PARALLEL_RATIO_BOUND && four.swapped === 4 && one.swapped === 4,
      text: `4 independent MVs at max-parallel 4 take at most ${PARALLEL_RATIO_BOUND * 100}% of max-parallel 1: ${percent(four.wallMs / one.wallMs)}`,
    },
    {
      ok: stagedChain !== undefined && stagedChain.cutOverMs <= CUT_OVER_BOUND_MS,
      text: `the staged chain's cut-over window is at most ${CUT_OVER_BOUND_MS} ms: ${stagedChain?.cutOverMs ?? "not measured"} ms`,
    },
    {
      ok: staged.chain.every((row) => row.failed === 0),
      text: `no read of the chain failed (${staged.chain.map((row) => row.failed).join(", ")})`,
    },
  ];
}
