import type { Logger } from "../../log/logger.js";
import { prefixedLogger } from "../../log/prefixed-logger.js";
import { deployedType } from "../../plan/relation-type.js";
import type { Plan, PlannedModel } from "../../plan/types.js";
import type { CatalogSnapshot } from "../../risingwave/catalog.js";
import type { RisingWaveSession } from "../../risingwave/session.js";
import { displayName, type QualifiedName } from "../../sql/quote.js";
import type { DeployOutcome, ModelOutcome } from "../outcome.js";
import { canOverlap, runBuildQueue } from "./build-queue.js";
import { releaseTempsReporting, undoStaging } from "./clean-up.js";
import { CreatedObjects } from "./created-objects.js";
import { cutOver, type CutOverUnit } from "./cut-over.js";
import { connectionLossNote, failureText, lostConnectionAt } from "./failure-notes.js";
import { phasesOf, type ModelPhases } from "./phases.js";
import { dropForRefresh } from "./refresh-drops.js";
import { stageModel, type StagingResult } from "./stage.js";
import { runStep, type StepContext } from "./step-runner.js";

export interface ExecuteOptions {
  waitTimeoutMs: number;
  pollIntervalMs: number;
  /** The snapshot the plan was made from: an id in it was not created by this run. */
  catalog: CatalogSnapshot;
  /** Whether this run still holds the deploy lock; checked right before the cut-over. */
  stillLocked?: () => Promise<boolean>;
  /** How many models are staged at once (max-parallel); 1 = one after the other. */
  maxParallel?: number;
  /** keep-failed-temps: a deploy that does not cut over leaves its temporary MVs in place. */
  keepFailedTemps?: boolean;
  /** A further session on a connection of its own, for staging side by side. */
  openSession?: () => Promise<RisingWaveSession>;
}

interface ModelRun {
  entry: PlannedModel;
  phases: ModelPhases;
  staged?: StagingResult;
  swapped: boolean;
  outcome?: ModelOutcome;
}

/**
 * Runs a plan (DESIGN 2.3 and 2.5, issue 12): the only code that issues DDL. Full-refresh drops
 * first (leaf-first); then every model is staged beside production, side by side up to
 * max-parallel; only when every model is staged do the SWAPs run back to back, then the index
 * hand-offs, the post-hooks and the cleanup of previous versions. A failure while staging swaps
 * nothing and removes what this run built. A DROP is issued only for what the plan's mayDrop
 * allows, and only while the name has the id it allows (CreatedObjects).
 */
export async function executePlan(
  plan: Plan,
  session: RisingWaveSession,
  logger: Logger,
  options: ExecuteOptions,
): Promise<DeployOutcome> {
  const outcome: DeployOutcome = {
    models: [],
    swapped: [],
    created: [],
    preservedTemps: [],
    droppedTemps: [],
    failed: false,
    keptFailedTemps: [],
  };
  const created = new CreatedObjects(options.catalog);
  const context = (on: RisingWaveSession, log: Logger): StepContext => ({
    session: on,
    created,
    logger: log,
    waitTimeoutMs: options.waitTimeoutMs,
    pollIntervalMs: options.pollIntervalMs,
  });
  const runs: ModelRun[] = plan.models.map((entry) => ({
    entry,
    phases: phasesOf(entry),
    swapped: false,
  }));
  const deployed = runs.filter((run) => run.entry.action !== "skip");
  for (const run of runs) {
    if (run.entry.action === "skip") run.outcome = { ...about(run.entry), status: "skipped" };
  }

  const drops = await dropForRefresh(plan, session, created, logger);
  const failedDrop = drops.failure;
  if (failedDrop) {
    const run = runs.find((candidate) => candidate.entry.model === failedDrop.model);
    if (run) run.outcome = failedDrop;
  }
  const staging = new Staging(session, logger, options, context);
  try {
    if (!failedDrop) await staging.stageAll(deployed);
    // Even after a failure, an MV this run already dropped for a full refresh is created again:
    // leaving its name empty is the one thing never to do.
    await staging.recreate(deployed.filter((run) => drops.dropped.has(run.entry.model)));
  } finally {
    await staging.close();
  }

  const stagingFailed = failedDrop !== undefined || deployed.some(failedOnItsOwn);
  if (stagingFailed) {
    const failedNames = deployed.filter(failedOnItsOwn).map((run) => run.entry.model);
    const why = failedNames.length > 0 ? failedNames.join(", ") : (failedDrop?.model ?? "");
    await abandon(deployed, `staging of ${why} failed`, session, logger, options, outcome, created);
  } else {
    await cutOverAndFinish(deployed, session, logger, options, outcome, created, context);
  }

  for (const run of runs) {
    const model = run.outcome ?? { ...about(run.entry), status: "not-attempted" as const };
    outcome.models.push(model);
    if (run.swapped) outcome.swapped.push(run.entry.target);
    if (model.status === "failed") {
      outcome.failed = true;
      logger.error(`${model.model}: ${model.error} (${model.note})`, {
        file: run.entry.file,
        title: `Deploy of ${model.model} failed`,
      });
    } else if (
      model.status === "applied" &&
      (run.entry.action === "create" || run.entry.action === "full-refresh")
    ) {
      outcome.created.push(run.entry.target);
    }
  }
  if (outcome.swapped.length > 0) {
    await releaseTempsReporting(plan.models, outcome, session, logger);
  }
  return outcome;
}

const about = (entry: PlannedModel) => ({
  model: entry.model,
  file: entry.file,
  action: entry.action,
});

const failedOnItsOwn = (run: ModelRun) =>
  run.staged !== undefined && !run.staged.ok && !run.staged.stopped;

/** The sessions of the staging lanes: lane 0 is the deploy's own, the others opened when needed. */
class Staging {
  private readonly lanes = new Map<number, RisingWaveSession>();
  private failed = false;

  constructor(
    private readonly session: RisingWaveSession,
    private readonly logger: Logger,
    private readonly options: ExecuteOptions,
    private readonly context: (on: RisingWaveSession, log: Logger) => StepContext,
  ) {}

  /** Every model's staging, side by side where they are independent; fail fast. */
  async stageAll(runs: ModelRun[]): Promise<void> {
    const names = new Set(runs.map((run) => run.entry.model));
    const order = runs.map((run) => ({
      key: run.entry.model,
      after: run.entry.readsPlanned.filter((name) => names.has(name)),
    }));
    const maxParallel = canOverlap(order)
      ? Math.min(this.options.maxParallel ?? 1, runs.length)
      : 1;
    const work = () =>
      runBuildQueue(
        runs.map((run, i) => ({
          ...(order[i] as (typeof order)[number]),
          run: (lane) => this.stageOne(run, lane, maxParallel > 1),
        })),
        maxParallel,
      );
    if (maxParallel > 1) {
      await this.logger.group(
        `Staging ${runs.length} models beside production, up to ${maxParallel} at a time`,
        work,
      );
    } else {
      await work();
    }
  }

  /** Full refreshes dropped but not created yet (a failure stopped the queue): created one by one. */
  async recreate(runs: ModelRun[]): Promise<void> {
    for (const run of runs) {
      if (run.staged) continue;
      await this.logger.group(
        `${run.entry.model}: ${run.entry.action} ${displayName(run.entry.target)}`,
        async () => {
          run.staged = await stageModel(
            run.entry,
            run.phases.stage,
            this.context(this.session, this.logger),
          );
        },
      );
    }
  }

  private async stageOne(run: ModelRun, lane: number, sideBySide: boolean): Promise<boolean> {
    const entry = run.entry;
    const title = `${entry.model}: ${entry.action} ${displayName(entry.target)}`;
    const log = sideBySide ? prefixedLogger(this.logger, entry.model) : this.logger;
    const work = async () => {
      if (entry.action === "zero-downtime") {
        log.info("Using zero downtime rebuild with SWAP for materialized view update.");
      }
      let on: RisingWaveSession;
      try {
        on = await this.laneSession(lane);
      } catch (error) {
        run.staged = { ok: false, stopped: false, waited: false, durationMs: 0, error };
        return;
      }
      const context = this.context(on, log);
      // A full refresh has already dropped the live MV: it is built to the end regardless.
      if (entry.action !== "full-refresh") context.stopped = () => this.failed;
      run.staged = await stageModel(entry, run.phases.stage, context);
    };
    if (sideBySide) {
      log.info(title);
      await work();
    } else {
      await this.logger.group(title, work);
    }
    if (run.staged && !run.staged.ok && !run.staged.stopped) this.failed = true;
    return run.staged?.ok === true;
  }

  private async laneSession(lane: number): Promise<RisingWaveSession> {
    if (lane === 0 || !this.options.openSession) return this.session;
    const open = this.lanes.get(lane);
    if (open) return open;
    const opened = await this.options.openSession();
    this.lanes.set(lane, opened);
    return opened;
  }

  async close(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.close().catch(() => undefined)));
  }
}

/**
 * Issue 12 item 3: nothing is swapped. Each model says what it is left as; what this run built is
 * removed leaf first (or, with keep-failed-temps, its temporary MVs stay).
 */
async function abandon(
  runs: ModelRun[],
  why: string,
  session: RisingWaveSession,
  logger: Logger,
  options: ExecuteOptions,
  outcome: DeployOutcome,
  created: CreatedObjects,
): Promise<void> {
  const keepTemps = options.keepFailedTemps ?? false;
  const appliedInPlace: string[] = [];
  const refreshed: string[] = [];
  for (const run of [...runs].reverse()) {
    const { entry, staged } = run;
    if (run.outcome || !staged) continue;
    const base = { ...about(entry), durationMs: staged.durationMs };
    if (staged.ok && (entry.action === "full-refresh" || entry.action === "in-place")) {
      run.outcome = { ...base, status: "applied" };
      if (entry.action === "full-refresh") refreshed.unshift(displayName(entry.target));
      else if (run.phases.stage.length > 0) appliedInPlace.unshift(displayName(entry.target));
      continue;
    }
    const cause = !staged.ok ? staged.error : undefined;
    const ownFailure = !staged.ok && !staged.stopped;
    const lostWithNothingKnown =
      ownFailure &&
      lostConnectionAt(cause) &&
      created.idOf(entry.temp ?? entry.target) === undefined;
    const left = lostWithNothingKnown
      ? connectionLossNote(cause, entry, false)
      : await undoStaging(
          session,
          entry,
          created,
          logger,
          { keepTemps, cause: ownFailure ? cause : undefined, waited: staged.waited },
          outcome,
        );
    run.outcome = ownFailure
      ? { ...base, status: "failed", error: failureText(cause), note: left }
      : {
          ...base,
          status: "not-attempted",
          note: `${staged.ok ? "built beside production" : "stopped while building"}, not swapped in (${why}): ${left}`,
        };
  }
  // What staging changed on live names is not undone (a full refresh cannot be): say so.
  const changedLive = [
    ...(refreshed.length > 0 ? [`${refreshed.join(", ")} rebuilt by the full refresh`] : []),
    ...(appliedInPlace.length > 0
      ? [`the indexes, grants and comments applied in place to ${appliedInPlace.join(", ")}`]
      : []),
  ];
  const exceptions = changedLive.length > 0 ? ` but for ${changedLive.join(" and ")}` : "";
  outcome.notCutOver =
    `${why}: nothing was swapped, production is as it was${exceptions}` +
    (outcome.keptFailedTemps.length > 0
      ? `; the temporary MVs this run built are kept (keep-failed-temps): ${outcome.keptFailedTemps.map(displayName).join(", ")}`
      : "; what this run built beside production was removed");
  logger.warning(`Deploy stopped before the cut-over: ${outcome.notCutOver}.`);
}

async function cutOverAndFinish(
  runs: ModelRun[],
  session: RisingWaveSession,
  logger: Logger,
  options: ExecuteOptions,
  outcome: DeployOutcome,
  created: CreatedObjects,
  context: (on: RisingWaveSession, log: Logger) => StepContext,
): Promise<void> {
  const swapping = runs.filter((run) => run.phases.swaps.length > 0 && run.entry.temp);
  const units = swapping.map((run): CutOverUnit => {
    const temp = run.entry.temp as QualifiedName;
    return {
      model: run.entry.model,
      target: run.entry.target,
      targetId: run.entry.targetId,
      temp,
      tempId: created.idOf(temp),
      swaps: run.phases.swaps,
      type: deployedType(run.entry),
    };
  });
  const runOf = (unit: CutOverUnit) => swapping[units.indexOf(unit)] as ModelRun;
  const onMain = context(session, logger);
  if (units.length > 0) {
    const result = await logger.group("Cut-over", () =>
      cutOver(units, onMain, options.stillLocked, logger),
    );
    if (result.kind === "refused") {
      const refused = runOf(result.unit ?? (units[0] as CutOverUnit));
      const left = await undoStaging(
        session,
        refused.entry,
        created,
        logger,
        { keepTemps: options.keepFailedTemps ?? false, waited: true },
        outcome,
      );
      refused.outcome = {
        ...about(refused.entry),
        status: "failed",
        error: result.error.message,
        note: left,
      };
      const why = `the cut-over was refused before its first SWAP (${refused.entry.model})`;
      await abandon(runs, why, session, logger, options, outcome, created);
      return;
    }
    outcome.cutOver = { windowMs: result.windowMs, swaps: result.swapped.length };
    for (const unit of result.swapped) runOf(unit).swapped = true;
    if (result.failure) {
      const { unit, error } = result.failure;
      const broken = runOf(unit);
      broken.outcome = {
        ...about(broken.entry),
        status: "failed",
        error: failureText(error),
        note: lostConnectionAt(error)
          ? connectionLossNote(error, broken.entry, false)
          : "the original MV is untouched; the cut-over stopped at its SWAP",
      };
      for (const run of swapping) {
        if (run.swapped || run.outcome) continue;
        run.outcome = {
          ...about(run.entry),
          status: "not-attempted",
          note: `built beside production, not swapped in: the cut-over stopped at ${unit.model}; ${displayName(run.entry.temp as QualifiedName)} stays (the next cleanup sweep removes it once nothing reads it)`,
        };
      }
    }
  }
  await finish(runs, onMain);
}

/**
 * After the SWAPs: index names handed over to every new version, then post-hooks, upstream first.
 * A failure here leaves the model's new version live; the others still get theirs.
 */
async function finish(runs: ModelRun[], onMain: StepContext): Promise<void> {
  const done = runs.filter(
    (run) =>
      !run.outcome && run.staged?.ok === true && (run.swapped || run.phases.swaps.length === 0),
  );
  const failures = new Map<ModelRun, unknown>();
  for (const phase of ["handOffs", "postHooks"] as const) {
    for (const run of done) {
      if (failures.has(run)) continue;
      try {
        for (const step of run.phases[phase]) await runStep(step, run.entry.model, onMain, true);
      } catch (error) {
        failures.set(run, error);
      }
    }
  }
  for (const run of done) {
    const base = { ...about(run.entry), durationMs: run.staged?.durationMs };
    const error = failures.get(run);
    if (error === undefined) {
      run.outcome = { ...base, status: "applied" };
      continue;
    }
    run.outcome = {
      ...base,
      status: "failed",
      error: failureText(error),
      note: lostConnectionAt(error)
        ? connectionLossNote(error, run.entry, run.swapped)
        : run.swapped
          ? "swapped: the new version is live, the previous one is kept under the temporary name"
          : "the MV was created; the steps after its creation did not all run (rerun the deploy to complete them)",
    };
  }
}
