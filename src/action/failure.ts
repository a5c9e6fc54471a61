import * as core from "@actions/core";
import { issuesOf } from "../plan/build-plan.js";
import { errorText } from "../risingwave/errors.js";

/** What went wrong, as the list the failure report shows. */
export function failureProblems(
  error: unknown,
): { message: string; file?: string; line?: number }[] {
  return issuesOf(error) ?? [{ message: errorText(error) }];
}

/** Bad input becomes annotations on the files that caused it, then one failing message. */
export function reportFailure(error: unknown): void {
  const issues = issuesOf(error);
  if (issues) {
    for (const issue of issues) {
      core.error(issue.message, {
        file: issue.file,
        startLine: issue.line,
        title: "dbt project problem",
      });
    }
    core.setFailed(
      `${issues.length} problem(s) found before any DDL (see the annotations); nothing was deployed.`,
    );
    return;
  }
  core.setFailed(errorText(error));
}
