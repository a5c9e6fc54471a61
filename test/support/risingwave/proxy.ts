// An in-process pg-wire proxy: forwards every byte between a client and the
// upstream server, except the SQL text of Query and Parse messages, which it
// records and (for the stand-in) translates. Authentication, results, errors,
// notices and cancel requests pass through untouched, so the upstream's own
// password check applies and any number of concurrent, pipelining clients work.
//
// Fault injection (injectFault) lets a test break the connection of the code under
// test at a chosen statement, or hold that statement for a while:
//   before-forward  the statement reaches the proxy; the server never gets it
//                   (kill), or gets it delayMs later (delay);
//   after-forward   the server gets it and runs it to the end; its reply is
//                   withheld: the connection is cut once the server has finished
//                   (kill: the statement took effect, the client never learns it),
//                   or the reply is delivered delayMs after the server sent it;
//   after-reply     the client gets the complete reply, then the connection is
//                   cut (kill), so the next statement finds it gone.
// An interposer ({ run }) is a hold whose length is the harness's own work: run(sql) (say, "a
// colleague creates the same MV") is awaited before the statement is forwarded
// (before-forward) or before its reply is delivered (after-forward).
// "Killing" closes both sides at once: the client sees the socket close without
// an error message (node-postgres: "Connection terminated unexpectedly"), the
// server sees its client go away. Replies are located by ReadyForQuery: each
// Query and each Sync the client sent gets exactly one.
import net, { type Socket } from "node:net";
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  PARSE,
  QUERY,
  READY_FOR_QUERY,
  SSL_REQUEST_CODE,
  SYNC,
  MessageBoundaries,
  fatalError,
  messageLength,
  readSqlMessage,
  startupPacketLength,
  startupParameters,
} from "./wire.js";

/** Who sent a statement: the code under test, or the test harness's own connections. */
export type StatementOrigin = "client" | "harness";

export interface RecordedStatement {
  origin: StatementOrigin;
  sql: string;
  /** How it arrived: a simple Query message, or the Parse of the extended protocol. */
  protocol: "simple" | "extended";
  /** Which client connection sent it: 1 for the proxy's first connection, and so on. */
  connection: number;
}

/** Where in a statement's round trip a fault strikes; see the top of this file. */
export type FaultPoint = "before-forward" | "after-forward" | "after-reply";

/**
 * Cut the connection, or hold the statement (before-forward) or its reply (after-forward) for
 * delayMs, or until run(sql) has finished.
 */
export type FaultAction =
  "kill-connection" | { delayMs: number } | { run: (sql: string) => Promise<void> };

function holdFor(action: Exclude<FaultAction, "kill-connection">, sql: string): Promise<void> {
  if ("delayMs" in action) return new Promise((resolve) => setTimeout(resolve, action.delayMs));
  // A failing hook is the test's problem, reported by the test; the statement goes on.
  return action.run(sql).catch(() => undefined);
}

export interface FaultSpec {
  /**
   * Which statement triggers it, by the SQL text the client sent (before translation). Called
   * once per statement it could strike, in arrival order, so it may keep state (e.g. "the first
   * progress poll after the CREATE").
   */
  when: (sql: string) => boolean;
  at: FaultPoint;
  action: FaultAction;
  /** Whose statements it applies to; default "client" (the code under test), never the harness. */
  origin?: StatementOrigin | "any";
  /** How many matching statements it strikes before it disarms itself; default 1. */
  times?: number;
}

export interface InjectedFault {
  /**
   * Resolves with the statement's SQL when the fault acts: at the kill, or when the hold
   * starts (before-forward: the statement arrived; after-forward: the server has replied).
   */
  readonly fired: Promise<string>;
  /** How many times it has struck so far. */
  readonly hits: number;
  /** Disarms it; a hold already under way still ends as planned. */
  remove(): void;
}

interface ArmedFault {
  spec: FaultSpec;
  remaining: number;
  hits: number;
  fire(sql: string): void;
}

export interface WireProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  /** Rewrites SQL text before it goes upstream; absent means pass-through. */
  translate?: (sql: string) => string;
  /** Connections whose startup application_name is this are recorded as "harness". */
  harnessApplicationName: string;
}

/** What happens to the server's bytes while a statement's reply is watched. */
interface ReplyWatch {
  /** The ReadyForQuery (counted from the connection's start) that ends the statement's reply. */
  readyIndex: number;
  /** Withhold the reply (after-forward) or let it through (after-reply). */
  withhold: boolean;
  /** Runs when that ReadyForQuery has arrived; the withheld bytes are handed over. */
  onReply(withheld: Buffer[]): void;
}

export class WireProxy {
  readonly recorded: RecordedStatement[] = [];
  private readonly server = net.createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<Socket>();
  private readonly faults: ArmedFault[] = [];
  private connections = 0;

  constructor(private readonly options: WireProxyOptions) {}

  /** Listens on 127.0.0.1 at a port the OS picks; resolves to that port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Arms a fault for statements arriving from now on (see the top of this file). */
  injectFault(spec: FaultSpec): InjectedFault {
    if (spec.at === "after-reply" && spec.action !== "kill-connection") {
      throw new Error("after-reply faults can only kill the connection");
    }
    let fire!: (sql: string) => void;
    const fired = new Promise<string>((resolve) => (fire = resolve));
    const armed: ArmedFault = { spec, remaining: spec.times ?? 1, hits: 0, fire };
    this.faults.push(armed);
    const faults = this.faults;
    return {
      fired,
      get hits() {
        return armed.hits;
      },
      remove() {
        const at = faults.indexOf(armed);
        if (at >= 0) faults.splice(at, 1);
      },
    };
  }

  /** Disarms every fault. */
  clearFaults(): void {
    this.faults.splice(0);
  }

  /** The first armed fault this statement triggers, counted as struck. */
  private takeFault(origin: StatementOrigin, sql: string): ArmedFault | undefined {
    const index = this.faults.findIndex((fault) => {
      const wanted = fault.spec.origin ?? "client";
      return (wanted === "any" || wanted === origin) && fault.spec.when(sql);
    });
    if (index < 0) return undefined;
    const fault = this.faults[index] as ArmedFault;
    fault.hits++;
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private track(socket: Socket): Socket {
    socket.setNoDelay(true);
    // Errors that matter are handled where the socket's role is known; this one
    // only keeps a reset connection from crashing the test worker.
    socket.on("error", () => socket.destroy());
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    return socket;
  }

  private connectUpstream(): Socket {
    return this.track(
      net.connect({ host: this.options.upstreamHost, port: this.options.upstreamPort }),
    );
  }

  private serve(client: Socket): void {
    this.track(client);
    const connection = ++this.connections;
    let pending: Buffer = Buffer.alloc(0);
    let upstream: Socket | null = null;
    let origin: StatementOrigin = "client";
    // Replies owed by the server: one ReadyForQuery per Query or Sync forwarded.
    let readyOwed = 0;
    let readySeen = 0;
    let watch: ReplyWatch | null = null;
    let withheld: Buffer[] = [];
    // A reply being delayed: everything the server sends meanwhile waits behind it.
    let delaying = false;
    // A statement held before forwarding: nothing more is read from the client meanwhile.
    let holding = false;
    let released = false;
    client.on("error", () => upstream?.destroy());
    client.on("close", () => upstream?.end());

    const kill = () => {
      client.destroy();
      upstream?.destroy();
    };

    // The server's bytes go to the client, except a watched reply that is withheld.
    const boundaries = new MessageBoundaries();
    const toClient = (bytes: Buffer) => {
      if (bytes.length === 0) return;
      if (delaying || (watch?.withhold && readySeen >= watch.readyIndex - 1)) {
        withheld.push(bytes);
      } else if (client.writable && !client.write(bytes)) {
        upstream?.pause();
        client.once("drain", () => upstream?.resume());
      }
    };
    const fromUpstream = (chunk: Buffer) => {
      let from = 0;
      boundaries.scan(chunk, (type, end) => {
        toClient(chunk.subarray(from, end));
        from = end;
        if (type !== READY_FOR_QUERY) return;
        readySeen++;
        readyOwed = Math.max(0, readyOwed - 1);
        if (watch && readySeen === watch.readyIndex) {
          const done = watch;
          const bytes = withheld;
          watch = null;
          withheld = [];
          done.onReply(bytes);
        }
      });
      toClient(chunk.subarray(from));
    };

    const startSession = (startup: Buffer) => {
      const parameters = startupParameters(startup);
      if (parameters.get("application_name") === this.options.harnessApplicationName) {
        origin = "harness";
      }
      const socket = this.connectUpstream();
      socket.on("error", (error) => {
        if (!client.destroyed) client.end(fatalError("08006", `stand-in proxy: ${error.message}`));
      });
      socket.on("data", fromUpstream);
      socket.on("end", () => client.end());
      upstream = socket;
      return socket;
    };

    // Returns false once the connection needs nothing more from this client.
    const handleStartupPacket = (packet: Buffer): boolean => {
      const code = packet.readInt32BE(4);
      if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
        client.write("N"); // no encryption; the client goes on in plain text (sslmode=prefer/disable)
        return true;
      }
      if (code === CANCEL_REQUEST_CODE) {
        // The backend key the client holds is the upstream's, so forwarding it cancels there.
        this.connectUpstream().end(packet);
        client.end();
        return false;
      }
      startSession(packet).write(packet);
      return true;
    };

    // A message the proxy cannot read or translate goes upstream as sent: the
    // server's own error is the most useful answer.
    const rewrite = (message: Buffer, sql: string | null): Buffer => {
      if (sql === null) return message;
      try {
        const translated = this.options.translate?.(sql) ?? sql;
        return translated === sql ? message : readSqlMessage(message).withSql(translated);
      } catch {
        return message;
      }
    };
    const sqlOf = (message: Buffer): string | null => {
      try {
        return readSqlMessage(message).sql;
      } catch {
        return null;
      }
    };

    const send = (out: Buffer[]) => {
      const target: Socket | null = upstream;
      if (target && out.length > 0 && !target.write(Buffer.concat(out))) {
        client.pause();
        target.once("drain", () => {
          if (!holding) client.resume();
        });
      }
    };

    /** Sets up the fault a statement triggered; returns false when nothing more is forwarded now. */
    const strike = (fault: ArmedFault, sql: string, out: Buffer[]): boolean => {
      const { at, action } = fault.spec;
      if (at === "before-forward") {
        send(out.splice(0));
        if (action === "kill-connection") {
          kill();
          fault.fire(sql);
          return false;
        }
        holding = true;
        client.pause();
        fault.fire(sql);
        void holdFor(action, sql).then(() => {
          holding = false;
          released = true;
          if (client.destroyed) return; // the client went away: the statement never leaves
          client.resume();
          processPending();
        });
        return false;
      }
      // The reply to this statement ends at the next ReadyForQuery owed after those already owed.
      watch = {
        readyIndex: readySeen + readyOwed + 1,
        withhold: at === "after-forward",
        onReply: (bytes) => {
          if (action === "kill-connection") {
            fault.fire(sql);
            if (at === "after-reply") {
              client.end(); // the reply already written goes out first
              upstream?.destroy();
            } else {
              kill();
            }
            return;
          }
          fault.fire(sql);
          delaying = true;
          withheld = bytes;
          void holdFor(action, sql).then(() => {
            delaying = false;
            const held = withheld;
            withheld = [];
            if (client.writable) for (const part of held) client.write(part);
          });
        },
      };
      return true;
    };

    const processPending = () => {
      const out: Buffer[] = [];
      let offset = 0;
      for (;;) {
        if (holding) break;
        if (!upstream) {
          const length = startupPacketLength(pending, offset);
          if (length === null) break;
          const packet = pending.subarray(offset, offset + length);
          offset += length;
          if (!handleStartupPacket(packet)) return;
          continue;
        }
        const length = messageLength(pending, offset);
        if (length === null) break;
        const message = pending.subarray(offset, offset + length);
        const type = message[0];
        if (type === QUERY || type === PARSE) {
          const sql = sqlOf(message);
          const protocol = type === QUERY ? "simple" : "extended";
          // One watched reply at a time: a statement sent while one is watched is not matched.
          if (sql !== null && !released && !watch) {
            const fault = this.takeFault(origin, sql);
            if (fault) {
              if (fault.spec.at !== "before-forward" || fault.spec.action === "kill-connection") {
                this.recorded.push({ origin, sql, protocol, connection });
              }
              if (!strike(fault, sql, out)) {
                // Held: the statement stays pending, to be recorded and sent when released.
                if (!holding) return; // killed
                pending = pending.subarray(offset);
                return;
              }
              offset += length;
              out.push(rewrite(message, sql));
              readyOwed += type === QUERY ? 1 : 0;
              continue;
            }
          }
          released = false;
          if (sql !== null) this.recorded.push({ origin, sql, protocol, connection });
          offset += length;
          out.push(rewrite(message, sql));
          if (type === QUERY) readyOwed++;
          continue;
        }
        offset += length;
        if (type === SYNC) readyOwed++;
        out.push(message);
      }
      pending = pending.subarray(offset);
      send(out);
    };

    client.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      processPending();
    });
  }
}
