import { git } from "../project/files/git.js";

/**
 * The time that stamps temporary names. A dry run stamps them with the head commit's time, so
 * rerunning the same commit renders the same plan and leaves the pull request comment untouched;
 * a deploy stamps them with the present.
 */
export async function planTime(repoRoot: string, dryRun: boolean): Promise<Date> {
  if (!dryRun) return new Date();
  try {
    const committed = (await git(repoRoot, ["log", "-1", "--format=%cI", "HEAD"])).trim();
    const time = new Date(committed);
    return Number.isNaN(time.getTime()) ? new Date() : time;
  } catch {
    return new Date();
  }
}
