import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { git, GitCommandError, readBlobs } from "./git.js";

export const WORKTREE = "WORKTREE";

/** The files of a project at one revision. Paths are repo-relative with POSIX separators. */
export interface ProjectFiles {
  /** "WORKTREE" or the full commit sha. */
  revision: string;
  /** Every file under the project directory, outside folders dbt itself ignores. */
  paths: string[];
  /** Content of the text files dbt parses (.sql, .yml, .yaml). */
  contents: Map<string, string>;
}

/** Folders that hold build output or installed packages, never project sources. */
const SKIPPED_FOLDERS = new Set(["target", "dbt_packages", "dbt_modules", "logs", "node_modules"]);
const TEXT_FILE = /\.(sql|ya?ml)$/i;

export function normaliseProjectDir(projectDir: string): string {
  const normalised = path.posix.normalize(projectDir.replaceAll("\\", "/")).replace(/\/+$/, "");
  return normalised === "" ? "." : normalised;
}

/** Reads the project at a revision without checking it out, or from the working tree. */
export async function readProjectFiles(
  repoRoot: string,
  projectDir: string,
  revision?: string,
): Promise<ProjectFiles> {
  const dir = normaliseProjectDir(projectDir);
  return revision === undefined
    ? readWorktree(repoRoot, dir)
    : readRevision(repoRoot, dir, await resolveCommit(repoRoot, revision));
}

async function resolveCommit(repoRoot: string, revision: string): Promise<string> {
  try {
    return (
      await git(repoRoot, ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`])
    ).trim();
  } catch (error) {
    if (error instanceof GitCommandError) {
      throw new Error(
        `Revision ${revision} is not a commit in ${repoRoot}. If it should exist, the clone is ` +
          "probably shallow: set `fetch-depth: 0` in actions/checkout.",
      );
    }
    throw error;
  }
}

async function readRevision(repoRoot: string, dir: string, sha: string): Promise<ProjectFiles> {
  const args = ["ls-tree", "-r", "-z", "--full-tree", sha];
  if (dir !== ".") args.push("--", `${dir}/`);
  const listing = await git(repoRoot, args);
  const paths: string[] = [];
  const blobOfPath = new Map<string, string>();
  for (const entry of listing.split("\0")) {
    if (!entry) continue;
    const tab = entry.indexOf("\t");
    const [, type, oid] = entry.slice(0, tab).split(" ");
    const file = entry.slice(tab + 1);
    if (type !== "blob" || oid === undefined || isSkipped(file, dir)) continue;
    paths.push(file);
    if (TEXT_FILE.test(file)) blobOfPath.set(file, oid);
  }
  const blobs = await readBlobs(repoRoot, [...new Set(blobOfPath.values())]);
  const contents = new Map<string, string>();
  for (const [file, oid] of blobOfPath) contents.set(file, blobs.get(oid) ?? "");
  return { revision: sha, paths, contents };
}

/**
 * Synchronous on purpose: thousands of small files read one after another are several times
 * faster than the same reads queued on libuv's thread pool, and nothing else runs meanwhile.
 */
function readWorktree(repoRoot: string, dir: string): ProjectFiles {
  if (dir === ".." || dir.startsWith("../") || path.isAbsolute(dir)) {
    throw new Error(
      `Input \`project-dir\` (${dir}) points outside the repository; set it to the folder, relative ` +
        "to the repository root, that holds dbt_project.yml.",
    );
  }
  const folder = path.join(repoRoot, dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new Error(
      `Input \`project-dir\` (${dir}) is not a folder of the repository (${folder} does not exist); ` +
        "set it to the folder, relative to the repository root, that holds dbt_project.yml.",
    );
  }
  const paths = listFolder(repoRoot, dir).sort();
  const contents = new Map<string, string>();
  // Listed paths are already normal and relative: joining each one would normalise it again.
  const root = path.join(repoRoot, path.sep);
  for (const file of paths) {
    if (TEXT_FILE.test(file)) contents.set(file, readFileSync(root + file, "utf8"));
  }
  return { revision: WORKTREE, paths, contents };
}

/** Walks a folder, pruning skipped folders (a `.git` or `node_modules` can dwarf the project). */
function listFolder(repoRoot: string, folder: string, files: string[] = []): string[] {
  for (const entry of readdirSync(path.join(repoRoot, folder), { withFileTypes: true })) {
    const file = folder === "." ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!isSkippedFolder(entry.name)) listFolder(repoRoot, file, files);
    } else if (entry.isFile()) {
      files.push(file);
    }
  }
  return files;
}

/** Hidden folders and dbt's output/package folders are not part of the project's sources. */
function isSkipped(file: string, dir: string): boolean {
  const inside = dir === "." ? file : file.slice(dir.length + 1);
  return inside.split("/").slice(0, -1).some(isSkippedFolder);
}

function isSkippedFolder(name: string): boolean {
  return name.startsWith(".") || SKIPPED_FOLDERS.has(name);
}
