// The printed table and the claims the bench checks.
import { count, ms, percent, table } from "./text.mjs";

/** Part 1's 10,000-model total in the README before issue 14; it must not get slower. */
export const PLAN_10K_BOUND_MS = 8_667;
/** Part 5's bound: the whole action's offline plan of 10,000 models, median. */
export const OFFLINE_PLAN_BOUND_MS = 1_500;

export function renderReport({ machine, target, plan, catalog, startup, swap, offline }) {
  const out = [machine, target, ""];

  out.push(
    `1. load + render + plan of generated dbt projects (pure, no database; best of ${plan[0]?.repeats ?? "?"} cold processes each)`,
  );
  out.push(
    table([
      [
        "models",
        "load",
        "render",
        "plan",
        "total",
        "total growth",
        "plan growth",
        "max RSS",
        "planned (zero-downtime / skip)",
      ],
      ...plan.map((row, i) => {
        if (row.error) {
          return [count(row.size), "—", "—", "—", "—", "—", "—", "—", `not measured: ${row.error}`];
        }
        const previous = plan[i - 1];
        const growth = (key) =>
          previous && !previous.error
            ? `×${(row[key] / previous[key]).toFixed(1)} for ×${row.size / previous.size}`
            : "—";
        return [
          count(row.size),
          ms(row.loadMs),
          ms(row.renderMs),
          ms(row.planMs),
          ms(row.totalMs),
          growth("totalMs"),
          growth("planMs"),
          `${Math.round(row.maxRssMb)} MB`,
          `${count(row.planned)} (${count(row.actions["zero-downtime"] ?? 0)} / ${count(row.actions.skip ?? 0)})`,
        ];
      }),
    ]),
  );
  out.push(
    "   plan = models: all requests + catalog snapshot (every model an MV, with rw_depend edges and indexes) + buildPlan",
    "",
  );

  out.push("2. statements one dry-run deploy sends (dist/index.js, models: all, dry-run: true)");
  out.push(
    table([
      ["models", "rw_catalog reads", "EXPLAINs", "other", "writes", "all", "wall time", "exit"],
      ...catalog.map((row) =>
        row.total === undefined
          ? [count(row.size), "—", "—", "—", "—", "—", "—", `not measured: ${row.error}`]
          : [
              count(row.size),
              count(row.catalog),
              count(row.explain),
              count(row.other),
              count(row.writes),
              count(row.total),
              ms(row.wallMs),
              row.error ? `${row.exitCode}: ${row.error}` : String(row.exitCode),
            ],
      ),
    ]),
  );
  const texts = catalog.find((row) => row.catalogTexts)?.catalogTexts ?? [];
  if (texts.length > 0) {
    out.push("   the rw_catalog reads:");
    for (const sql of texts) out.push(`     ${sql.length > 96 ? `${sql.slice(0, 95)}…` : sql}`);
  }
  out.push("");

  out.push("3. dist/index.js start-up to a failing validation exit (INPUT_MODE=bogus)");
  if (startup.medianMs === undefined) {
    out.push(`   not measured: ${startup.error}`, "");
  } else {
    out.push(
      table([
        ["Node", "runs", "median", "min", "max", "bare `node -e ''` median", "exit"],
        [
          startup.node,
          String(startup.runs),
          ms(startup.medianMs),
          ms(startup.minMs),
          ms(startup.maxMs),
          ms(startup.bareMedianMs),
          `${startup.exitCode}: ${startup.message.replace(/^::error::/, "")}`,
        ],
      ]),
      "",
    );
  }

  out.push(
    `4. zero-downtime push deploy of one MV (${count(swap.rows)} source rows) under ${swap.readers} concurrent readers`,
  );
  if (swap.reads === undefined) {
    out.push(`   not measured: ${swap.error}`);
  } else {
    out.push(
      table([
        [
          "reads done",
          "during the deploy",
          "reads failed",
          "longest read stall",
          "before the deploy",
          "deploy wall time",
          "swapped",
          "exit",
        ],
        [
          count(swap.reads),
          count(swap.readsDuringDeploy),
          count(swap.failed),
          ms(swap.longestStallMs),
          ms(swap.baselineStallMs),
          ms(swap.deployMs),
          swap.swapped.join(", ") || "nothing",
          String(swap.exitCode),
        ],
      ]),
      '   readers run from 0.5 s before the deploy to 0.2 s after it; the stall "before the deploy" is the readers\' alone',
    );
    if (swap.firstError) out.push(`   first failed read: ${swap.firstError}`);
    if (swap.error) out.push(`   ${swap.error}`);
  }
  out.push(
    "",
    `5. the whole action offline (dist/index.js, models: all, dry-run: true, no database), ${count(offline.size)} generated models`,
  );
  if (offline.error) {
    out.push(`   not measured: ${offline.error}`);
  } else {
    const reference = offline.reference;
    out.push(
      table([
        ["bundle", "models", "runs", "median", "min", "max", "planned"],
        [
          "this one",
          count(offline.size),
          String(offline.runs),
          ms(offline.medianMs),
          ms(offline.minMs),
          ms(offline.maxMs),
          count(offline.planned),
        ],
        reference.error
          ? [reference.release, "—", "—", "—", "—", "—", "—"]
          : [
              reference.release,
              count(offline.size),
              String(offline.runs),
              ms(reference.medianMs),
              ms(reference.minMs),
              ms(reference.maxMs),
              "—",
            ],
      ]),
      "   spawn to exit of the process the runner starts; reading the output files back afterwards is not counted",
      reference.error
        ? `   reference bundle not measured: ${reference.error}`
        : `   each run paired with one of ${reference.release}'s bundle (the machine's pace at the moment): this one takes ${percent(offline.medianMs / reference.medianMs)} of its median`,
    );
  }
  return out.join("\n");
}

/** Each claim the bench makes, checked: ok false when it does not hold or could not be measured. */
export function checkClaims({ plan, catalog, startup, swap, offline }) {
  const checks = [];
  const tenThousand = plan.find((row) => row.size === 10_000 && !row.error);
  if (tenThousand) {
    checks.push({
      ok: tenThousand.totalMs <= PLAN_10K_BOUND_MS,
      text: `load + render + plan of 10,000 models at or under ${count(PLAN_10K_BOUND_MS)} ms: ${count(Math.round(tenThousand.totalMs))} ms`,
    });
  }
  checks.push(
    offline.error
      ? { ok: false, text: `the offline plan of ${count(offline.size)} models: ${offline.error}` }
      : {
          ok: offline.medianMs < OFFLINE_PLAN_BOUND_MS && offline.planned === offline.size,
          text: `the whole action plans ${count(offline.size)} models offline in under ${count(OFFLINE_PLAN_BOUND_MS)} ms (median): ${count(Math.round(offline.medianMs))} ms, ${count(offline.planned)} planned${offline.reference.error ? "" : ` (${offline.reference.release}'s bundle in the same runs: ${count(Math.round(offline.reference.medianMs))} ms)`}`,
        },
  );
  const [small, large] = catalog;
  const measured = (row) =>
    row && row.total !== undefined && row.exitCode === 0 && row.explain === row.size;
  checks.push(
    measured(small) && measured(large)
      ? {
          ok: large.catalog <= small.catalog && small.catalog > 0,
          text: `catalog reads per deploy do not grow with the model count: ${small.catalog} at ${count(small.size)} models, ${large.catalog} at ${count(large.size)}`,
        }
      : {
          ok: false,
          text: "catalog reads per deploy could not be compared: a dry run did not finish, or did not EXPLAIN every model",
        },
  );
  const dryRuns = catalog.filter((row) => row.total !== undefined);
  checks.push({
    ok: dryRuns.length === catalog.length && dryRuns.every((row) => row.writes === 0),
    text: `dry runs issued no DDL or writes (${dryRuns.map((row) => row.writes).join(", ") || "not measured"})`,
  });
  checks.push(
    swap.reads === undefined
      ? { ok: false, text: `reads during the swap could not be measured: ${swap.error}` }
      : {
          ok: swap.failed === 0 && swap.reads > 0,
          text: `no read failed during the zero-downtime deploy (${count(swap.failed)} of ${count(swap.reads + swap.failed)})`,
        },
  );
  if (swap.reads !== undefined) {
    checks.push({
      ok: swap.exitCode === 0 && swap.swapped.includes("public.totals") && swap.newVersionLive,
      text: "the deploy swapped public.totals and its new version answers under the name",
    });
  }
  for (const row of plan.filter((row) => row.error)) {
    checks.push({ ok: false, text: `part 1 at ${count(row.size)} models: ${row.error}` });
  }
  if (startup.error) checks.push({ ok: false, text: `start-up: ${startup.error}` });
  return checks;
}
