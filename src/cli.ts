#!/usr/bin/env node
import { parseArgs } from "node:util";
import { runCleanup } from "./cleanup/run-cleanup.js";
import { runRollback } from "./deploy/rollback/run-rollback.js";
import { runDeploy } from "./deploy/run-deploy.js";
import { consoleLogger } from "./log/console-logger.js";
import { issuesOf } from "./plan/build-plan.js";
import { errorText } from "./risingwave/errors.js";
import { planToJson } from "./plan/plan-json.js";
import { renderCleanupReport } from "./report/cleanup-markdown.js";
import { noLimit } from "./report/budget.js";
import { reportTarget } from "./report/context.js";
import { renderReport } from "./report/markdown.js";
import { renderRollbackReport } from "./report/rollback-markdown.js";
import { CLI_EVENT } from "./settings/dry-run.js";
import { redactProcessOutput } from "./security/redact-streams.js";
import { environmentSecrets, secrets } from "./security/secrets.js";
import { buildSettings, secretsOf } from "./settings/settings.js";

const USAGE = `Usage: rw-zero-downtime <command> [options]

Commands:
  plan      show what a deploy would do (dry run: EXPLAIN only, no DDL)
  deploy    deploy the selected or changed MV models with zero downtime
  list      list temporary MVs with the model they replaced, age and readers
  cleanup   drop temporary MVs nothing reads (never CASCADE); --dry-run lists only
  rollback  swap the previous versions of --models (or of the last deploy) back in; --dry-run shows

Options take the action's input names, e.g.:
  --database-url URL     (default: $RISINGWAVE_URL, else the PG* variables)
  --project-dir DIR      --target-schema NAME   --models "a, b+" | all
  --base-ref REV         --vars YAML            --full-refresh true|false
  --env-vars "A, B_*"    (env_var() reads DBT_* and these; never credentials)
  --zero-downtime model-config|all             --immediate-cleanup true|false
  --rebuild-downstream true|false              --background-ddl true|false
  --wait-timeout 2h      --json (print the plan as JSON)
  --max-parallel 4       --keep-failed-temps true|false
  --schema NAME          --older-than 7d        --dry-run (cleanup)
  --environment NAME     (named in the report's title)
  --stale-lock-after 6h  (a deploy lock older than this is released)
`;

const COMMANDS = ["plan", "deploy", "list", "cleanup", "rollback"];

const INPUT_NAMES = [
  "database-url",
  "project-dir",
  "target-schema",
  "vars",
  "env-vars",
  "models",
  "base-ref",
  "full-refresh",
  "zero-downtime",
  "immediate-cleanup",
  "rebuild-downstream",
  "background-ddl",
  "wait-timeout",
  "max-parallel",
  "keep-failed-temps",
  "schema",
  "older-than",
  "environment",
  "stale-lock-after",
] as const;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(INPUT_NAMES.map((name) => [name, { type: "string" as const }])),
      json: { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !COMMANDS.includes(command)) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const flags = values as Record<string, string | undefined>;
  const cleanup = command === "list" || command === "cleanup";
  const dryRun = command === "plan" || command === "list" || values["dry-run"] === true;
  const settings = buildSettings(
    (name) => {
      if (name === "mode")
        return command === "rollback" ? "rollback" : cleanup ? "cleanup" : "deploy";
      if (name === "dry-run") return String(dryRun);
      if (name === "database-url") return flags[name] ?? process.env.RISINGWAVE_URL ?? "";
      if (name === "comment") return "false";
      return flags[name] ?? "";
    },
    { eventName: CLI_EVENT },
  );
  for (const value of [...secretsOf(settings), ...environmentSecrets(process.env)]) {
    secrets.register(value);
  }
  redactProcessOutput(secrets);
  const logger = consoleLogger(process.stderr);
  if (cleanup) {
    const result = await runCleanup(settings, logger, process.env);
    process.stdout.write(renderCleanupReport(result));
    return 0;
  }
  if (command === "rollback") {
    const result = await runRollback(settings, logger, process.env);
    process.stdout.write(renderRollbackReport(result));
    return result.errors.length > 0 ? 1 : 0;
  }
  const result = await runDeploy({ repoRoot: process.cwd(), settings, logger, env: process.env });
  process.stdout.write(
    values.json
      ? `${JSON.stringify(planToJson(result.plan), null, 2)}\n`
      : renderReport(
          result,
          {
            projectDir: settings.projectDir,
            projectName: result.head.name,
            targetSchema: settings.targetSchema,
            target: reportTarget(settings, process.env),
          },
          { kind: "plan", limit: noLimit },
        ).body,
  );
  for (const failure of result.plan.failed) {
    const where = `${failure.file}${failure.line ? `:${failure.line}` : ""}`;
    process.stderr.write(
      `error: ${where}: model ${failure.model} cannot be built: ${failure.message}\n`,
    );
  }
  for (const problem of result.blocking) {
    process.stderr.write(`error: ${problem.file ? `${problem.file}: ` : ""}${problem.message}\n`);
  }
  return result.blocking.length > 0 || result.outcome?.failed || result.plan.failed.length > 0
    ? 1
    : 0;
}

/**
 * Exits once everything written has reached the reader: stdout and stderr are asynchronous when
 * they are pipes, and `process.exit` right after a write would cut the output at the pipe's buffer.
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  const issues = issuesOf(error);
  if (issues) {
    for (const issue of issues) {
      const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ""}: ` : "";
      process.stderr.write(`error: ${where}${issue.message}\n`);
    }
  } else {
    process.stderr.write(`error: ${errorText(error)}\n`);
  }
  exitWhenFlushed(1);
});
