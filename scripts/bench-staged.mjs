// npm run bench:staged: part 6 of the bench on its own (issue 12), with its checks.
import { loadEntry } from "./bench/load.mjs";
import { benchStagedDeploy } from "./bench/staged-deploy.mjs";
import { checkStagedClaims, renderStagedReport } from "./bench/staged-report.mjs";

const support = await loadEntry("support-modules.mjs");
const upstream = await support.startUpstream();
const api = await support.startGitHubApi();
let staged;
try {
  staged = await benchStagedDeploy(support, upstream, api, (line) => console.error(line));
} finally {
  await api.close();
  await upstream.stop();
}
console.log(renderStagedReport(staged).join("\n"));
const checks = checkStagedClaims(staged);
for (const check of checks) console.log(`  ${check.ok ? "ok  " : "FAIL"} ${check.text}`);
process.exit(checks.every((check) => check.ok) ? 0 : 1);
