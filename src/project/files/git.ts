import { execFile, spawn } from "node:child_process";

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(
      `git ${args.join(" ")} failed${exitCode === null ? "" : ` (exit ${exitCode})`}: ${stderr.trim()}`,
    );
    this.name = "GitCommandError";
  }
}

/** Runs git in the repository and returns its standard output. */
export function git(repoRoot: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd: repoRoot, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === "number" ? error.code : null;
          reject(new GitCommandError(args, stderr || error.message, code));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/**
 * Reads many blobs through one `git cat-file --batch --buffer` process (one process per file, or
 * a flush per object, would
 * dominate the load time of a large project).
 */
export function readBlobs(repoRoot: string, objectIds: string[]): Promise<Map<string, string>> {
  if (objectIds.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch", "--buffer"], { cwd: repoRoot });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new GitCommandError(["cat-file", "--batch"], stderr, code));
        return;
      }
      try {
        resolve(parseBatchOutput(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(objectIds.join("\n") + "\n");
  });
}

/** `<oid> <type> <size>\n<content>\n` per object; a missing object is `<name> missing\n`. */
function parseBatchOutput(output: Buffer): Map<string, string> {
  const blobs = new Map<string, string>();
  let offset = 0;
  while (offset < output.length) {
    const headerEnd = output.indexOf(0x0a, offset);
    const header = output.toString("utf8", offset, headerEnd);
    const [oid, type, size] = header.split(" ");
    if (type === "missing" || oid === undefined || size === undefined) {
      throw new Error(`git cat-file: object ${oid ?? header} is missing`);
    }
    const start = headerEnd + 1;
    const end = start + Number(size);
    blobs.set(oid, output.toString("utf8", start, end));
    offset = end + 1;
  }
  return blobs;
}
