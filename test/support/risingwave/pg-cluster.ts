// A throwaway PostgreSQL cluster for one test run: initdb into memory (/dev/shm),
// password auth over TCP on 127.0.0.1 (trust only on its private Unix socket),
// deleted when stopped.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";

const run = promisify(execFile);

export interface PgCluster {
  host: string;
  port: number;
  /** The bootstrap superuser, reachable only with the password over TCP. */
  user: string;
  password: string;
  /** Server version, e.g. "15.18". */
  version: string;
  stop(): Promise<void>;
}

const SUPERUSER = "rwtest";

function findBinDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim());
  } catch {
    // pg_config is optional (it ships in libpq-dev); the Debian layout below is the usual place.
  }
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, "bin")));
  }
  const found = candidates.find(
    (dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")),
  );
  if (!found) {
    throw new Error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found via pg_config or /usr/lib/postgresql/*/bin; " +
        "the RisingWave stand-in needs them: apt-get install -y postgresql",
    );
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root, so as root every server command runs as the postgres user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ["runuser", ["-u", "postgres", "--", command, ...args]]
    : [command, args];
}

async function runServerCommand(command: string, args: string[], stdin = ""): Promise<string> {
  const [file, fileArgs] = asServerUser(command, args);
  const running = run(file, fileArgs, { encoding: "utf8" });
  running.child.stdin?.end(stdin);
  return (await running).stdout;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = findBinDir();
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "rw-standin-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const password = randomBytes(18).toString("base64url");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
  // md5 over TCP, as RisingWave uses (SCRAM's deliberately slow key derivation
  // would slow down the many connections of a run); trust on the private socket.
  const initdbArgs = ["-D", data, "-U", SUPERUSER, "--auth-host=md5", "--auth-local=trust"];
  await runServerCommand(join(bin, "initdb"), [...initdbArgs, "-E", "UTF8", "--locale=C", "-N"]);

  const pgCtl = join(bin, "pg_ctl");
  const stopNow = () => {
    // Immediate shutdown: nothing in a throwaway cluster is worth a checkpoint.
    try {
      const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGQUIT");
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // If the run dies before teardown, do not leave a server behind.
  process.once("exit", stopNow);

  const port = await startOnFreePort(pgCtl, data, dir, log);
  // The password goes in on stdin, never on a command line.
  await runServerCommand(
    join(bin, "psql"),
    [
      "-h",
      dir,
      "-p",
      String(port),
      "-U",
      SUPERUSER,
      "-d",
      "postgres",
      "-qX",
      "-v",
      "ON_ERROR_STOP=1",
    ],
    `SET password_encryption = 'md5';\nALTER ROLE ${SUPERUSER} PASSWORD '${password}';\n`,
  );
  const version =
    (await runServerCommand(join(bin, "postgres"), ["--version"])).match(/\d+(\.\d+)*/)?.[0] ??
    "unknown";
  return {
    host: "127.0.0.1",
    port,
    user: SUPERUSER,
    password,
    version,
    stop: async () => {
      process.removeListener("exit", stopNow);
      await runServerCommand(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]).catch(
        () => undefined,
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// PostgreSQL cannot listen on port 0, so pick a free port and retry if someone takes it first.
async function startOnFreePort(
  pgCtl: string,
  data: string,
  socketDir: string,
  log: string,
): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-k ${socketDir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=300",
    ].join(" ");
    try {
      await runServerCommand(pgCtl, [
        "-D",
        data,
        "-l",
        log,
        "-w",
        "-t",
        "30",
        "-o",
        options,
        "start",
      ]);
      return port;
    } catch (error) {
      lastError = error;
      const serverLog = existsSync(log) ? readFileSync(log, "utf8") : "";
      if (!/could not (bind|create listen)/i.test(serverLog)) break;
    }
  }
  const serverLog = existsSync(log) ? readFileSync(log, "utf8") : "";
  throw new Error(
    `could not start the stand-in PostgreSQL server: ${String(lastError)}\n${serverLog}`,
  );
}
