import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { actionNode } from "../node-runtime.js";
import {
  evaluateDefault,
  inputEnvName,
  readActionMetadata,
  type ActionMetadata,
} from "./action-metadata.js";
import {
  expressionContexts,
  runnerVariables,
  type RunContext,
  type RunPaths,
} from "./environment.js";
import type { WorkflowEvent } from "./events.js";
import { parseKeyValueFile, parsePathFile } from "./file-commands.js";
import { gitIn } from "./repo.js";
import { CommandLog, type Annotation } from "./workflow-commands.js";

const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** A workflow token's shape; the stand-in API accepts any token unless started with `token`. */
export const defaultToken = "ghs_0000000000000000000000000000000000harness";

export interface RunActionOptions {
  /** The checked-out repository: the working directory and GITHUB_WORKSPACE. */
  repo: { dir: string };
  /** The step's `with:`; inputs left out get action.yml's defaults, as on the runner. */
  inputs?: Record<string, string>;
  event: WorkflowEvent;
  /** Extra variables, applied last (the step's `env:`). */
  env?: Record<string, string>;
  /** GITHUB_API_URL. Without it the action gets an address that refuses connections, never github.com. */
  api?: { url: string };
  /** What `${{ github.token }}` evaluates to. */
  token?: string;
  /** Node binary; defaults to actionNode(). */
  node?: string;
  /** Script to run instead of action.yml's `runs.main` (dist/index.js). */
  entry?: string;
  /** action.yml to take inputs and `runs.main` from; defaults to this project's. */
  actionYml?: string;
  timeoutMs?: number;
  /**
   * Kills the action mid-run, as a cancelled job or a lost runner would: SIGKILL to its process
   * group when this signal aborts, or as soon as a line of its output satisfies `onLogLine`.
   * The result then has `killed: true` and `exitCode: null`; nothing is thrown.
   */
  kill?: { signal?: AbortSignal; onLogLine?: (line: string) => boolean };
}

export interface RunResult {
  /** null when the process died of a signal. */
  exitCode: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  /** The harness killed it on request (options.kill). */
  killed: boolean;
  /**
   * From spawning the action's process to its exit, in milliseconds: the action's own time,
   * without what the harness does with the output files and log afterwards.
   */
  processMs: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr lines in arrival order, with workflow commands, secrets masked as on the runner. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Values the action registered with ::add-mask::. */
  masks: string[];
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPaths: string[];
  /** The complete environment the action ran with. */
  env: Record<string, string>;
}

export async function runAction(options: RunActionOptions): Promise<RunResult> {
  const actionYml = options.actionYml ?? join(projectRoot, "action.yml");
  const metadata = readActionMetadata(actionYml);
  const entry = options.entry ?? join(dirname(actionYml), metadata?.main ?? "dist/index.js");
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build\` first`);

  const scratch = mkdtempSync(join(tmpdir(), "rwzd-run-"));
  try {
    const paths = prepareScratch(scratch, options.repo.dir, options.event);
    const context: RunContext = {
      event: options.event,
      // Port 9 (discard) refuses connections: a run without a stand-in API cannot reach real GitHub.
      apiUrl: options.api?.url ?? "http://127.0.0.1:9",
      token: options.token ?? defaultToken,
      headSha: gitIn(options.repo.dir, "rev-parse", "HEAD"),
      paths,
    };
    // Only PATH and a fresh HOME come from outside, so nothing in the developer's environment
    // (PG* variables, tokens, ~/.pgpass) can make a test pass by accident.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: paths.home,
      ...runnerVariables(context),
      ...inputVariables(options.inputs ?? {}, metadata, context),
      ...options.env,
    };
    const node = options.node ?? actionNode().path;
    const run = await execute(
      node,
      entry,
      options.repo.dir,
      env,
      options.timeoutMs ?? 120_000,
      options.kill,
    );
    return {
      ...run,
      outputs: parseKeyValueFile(readFileSync(paths.output, "utf8")),
      summary: readFileSync(paths.stepSummary, "utf8"),
      state: parseKeyValueFile(readFileSync(paths.state, "utf8")),
      exportedEnv: parseKeyValueFile(readFileSync(paths.env, "utf8")),
      addedPaths: parsePathFile(readFileSync(paths.path, "utf8")),
      env,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function prepareScratch(scratch: string, workspace: string, event: WorkflowEvent): RunPaths {
  const paths: RunPaths = {
    workspace,
    eventPath: join(scratch, "event.json"),
    output: join(scratch, "files", "output"),
    stepSummary: join(scratch, "files", "step_summary"),
    state: join(scratch, "files", "state"),
    env: join(scratch, "files", "env"),
    path: join(scratch, "files", "path"),
    runnerTemp: join(scratch, "runner-temp"),
    toolCache: join(scratch, "tool-cache"),
    home: join(scratch, "home"),
  };
  for (const dir of [paths.runnerTemp, paths.toolCache, paths.home, join(scratch, "files")]) {
    mkdirSync(dir, { recursive: true });
  }
  // The runner creates the file-command files up front; @actions/core refuses to write to missing ones.
  for (const file of [paths.output, paths.stepSummary, paths.state, paths.env, paths.path]) {
    writeFileSync(file, "");
  }
  writeFileSync(paths.eventPath, JSON.stringify(event.payload, null, 2));
  return paths;
}

/**
 * INPUT_* variables as the runner sets them: every input the step passes, then every input action.yml
 * declares that the step left out, with its default evaluated ("" without one).
 */
function inputVariables(
  inputs: Record<string, string>,
  metadata: ActionMetadata | undefined,
  context: RunContext,
): Record<string, string> {
  const given = new Set(Object.keys(inputs).map((name) => name.toLowerCase()));
  if (metadata) {
    const declared = new Set([...metadata.inputs.keys()].map((name) => name.toLowerCase()));
    // The runner only warns about these and the action never sees them: in a test it is a typo.
    const unexpected = Object.keys(inputs).filter((name) => !declared.has(name.toLowerCase()));
    if (unexpected.length > 0) {
      throw new Error(`inputs not declared in action.yml: ${unexpected.join(", ")}`);
    }
  }
  const variables: Record<string, string> = {};
  for (const [name, template] of metadata?.inputs ?? []) {
    if (!given.has(name.toLowerCase())) {
      variables[inputEnvName(name)] = evaluateDefault(template, expressionContexts(context));
    }
  }
  for (const [name, value] of Object.entries(inputs)) variables[inputEnvName(name)] = value;
  return variables;
}

async function execute(
  node: string,
  entry: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  kill: RunActionOptions["kill"] = {},
): Promise<
  Pick<
    RunResult,
    | "exitCode"
    | "signal"
    | "killed"
    | "processMs"
    | "stdout"
    | "stderr"
    | "log"
    | "annotations"
    | "masks"
  >
> {
  const spawnedAt = performance.now();
  // Its own process group, so a timeout also kills what the action started (git, psql…), which
  // would otherwise hold the output pipes open and keep the run from ending.
  const child = spawn(node, [entry], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let exited = false;
  let killed = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const killOnRequest = () => {
    if (exited || killed) return;
    killed = true;
    killGroup();
  };
  let processMs = Number.NaN;
  child.once("exit", () => {
    exited = true;
    processMs = performance.now() - spawnedAt;
  });

  const commands = new CommandLog();
  const streams = [child.stdout, child.stderr].map((stream) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      commands.push(line);
      if (kill.onLogLine?.(line)) killOnRequest();
    });
    return { chunks, closed: once(lines, "close") };
  });
  if (kill.signal?.aborted) killOnRequest();
  kill.signal?.addEventListener("abort", killOnRequest, { once: true });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  try {
    const [exitCode, signal] = (await once(child, "close")) as [
      number | null,
      NodeJS.Signals | null,
    ];
    await Promise.all(streams.map((s) => s.closed));
    if (timedOut) {
      throw new Error(
        `${entry} did not finish within ${timeoutMs} ms; log so far:\n${commands.log}`,
      );
    }
    const [stdout, stderr] = streams.map((s) => Buffer.concat(s.chunks).toString("utf8"));
    return {
      exitCode,
      signal,
      killed,
      processMs,
      stdout: stdout!,
      stderr: stderr!,
      log: commands.log,
      annotations: commands.annotations,
      masks: commands.masks,
    };
  } finally {
    clearTimeout(timer);
    kill.signal?.removeEventListener("abort", killOnRequest);
  }
}
