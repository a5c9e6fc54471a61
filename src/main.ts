import * as core from "@actions/core";
import * as github from "@actions/github";
import { eventBaseRevision } from "./action/event.js";
import { failureProblems, reportFailure } from "./action/failure.js";
import { setCleanupOutputs } from "./action/cleanup-outputs.js";
import { setDeployOutputs } from "./action/outputs.js";
import { commentKindFor, publishComment, reportContext, writeSummary } from "./action/publish.js";
import { runCleanup } from "./cleanup/run-cleanup.js";
import { runDeploy } from "./deploy/run-deploy.js";
import { actionsLogger } from "./log/actions-logger.js";
import { renderCleanupReport } from "./report/cleanup-markdown.js";
import { summaryLimit } from "./report/budget.js";
import { renderFailureReport, renderReport } from "./report/markdown.js";
import { redactProcessOutput } from "./security/redact-streams.js";
import { redact, secrets } from "./security/secrets.js";
import { readActionSettings } from "./settings/action-inputs.js";
import type { Settings } from "./settings/settings.js";

export async function run(eventProblem?: string): Promise<void> {
  redactProcessOutput(secrets);
  let settings: Settings;
  try {
    if (eventProblem !== undefined) throw new Error(eventProblem);
    settings = readActionSettings();
  } catch (error) {
    reportFailure(error);
    return;
  }
  try {
    if (settings.mode === "cleanup") {
      core.info(`Mode: cleanup${settings.dryRun ? " (dry run: nothing will be dropped)" : ""}`);
      const result = await runCleanup(settings, actionsLogger, process.env);
      setCleanupOutputs(result);
      await writeSummary(renderCleanupReport(result));
      return;
    }
    core.info(`Mode: deploy${settings.dryRun ? " (dry run: no DDL will be issued)" : ""}`);
    const result = await runDeploy({
      repoRoot: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      // Only read when needed: an explicit selection or base-ref makes the event's own irrelevant.
      eventBaseRevision:
        settings.models || settings.baseRef ? undefined : eventBaseRevision(github.context),
      settings,
      logger: actionsLogger,
      env: process.env,
    });
    setDeployOutputs(result);
    const context = github.context;
    const report = reportContext(result.head.name, settings, context);
    const kind = commentKindFor(context.eventName);
    // The summary takes 1 MiB, the comment 65,536 characters: the comment may send readers to
    // the summary only when the summary holds everything.
    const summary = renderReport(result, report, { kind, limit: summaryLimit, redact });
    await writeSummary(summary.body);
    const comment = () =>
      renderReport(result, report, { kind, summaryComplete: summary.complete, redact });
    await publishComment(comment, report, settings, context);
    for (const failure of result.plan.failed) {
      core.error(failure.message, {
        file: failure.file,
        startLine: failure.line,
        title: `model ${failure.model} cannot be built`,
      });
    }
    if (result.blocking.length > 0) {
      for (const problem of result.blocking) {
        core.error(problem.message, { file: problem.file, title: "Found before any DDL" });
      }
      core.setFailed(
        `${result.blocking.length} problem(s) found before any DDL; see the annotations. ` +
          (settings.dryRun ? "No DDL was issued." : "Nothing was deployed."),
      );
    } else if (result.outcome?.failed) {
      const failed = result.outcome.models.filter((model) => model.status === "failed");
      core.setFailed(
        `Deploy failed: ${failed.map((model) => `${model.model} (${model.file}): ${model.error}`).join("; ")}`,
      );
    } else if (result.plan.failed.length > 0) {
      core.setFailed(
        `${result.plan.failed.length} model(s) cannot be built (${result.plan.failed.map((failure) => failure.model).join(", ")}); see the annotations. ${
          result.plan.dryRun ? "No DDL was issued." : "The other models were deployed."
        }`,
      );
    }
  } catch (error) {
    reportFailure(error);
    if (settings.mode === "deploy") {
      const report = reportContext(undefined, settings, github.context);
      const kind = commentKindFor(github.context.eventName);
      const problems = failureProblems(error);
      const summary = renderFailureReport(problems, report, { kind, limit: summaryLimit, redact });
      await writeSummary(summary.body);
      const comment = () =>
        renderFailureReport(problems, report, {
          kind,
          redact,
          summaryComplete: summary.complete,
        });
      await publishComment(comment, report, settings, github.context);
    }
  }
}
