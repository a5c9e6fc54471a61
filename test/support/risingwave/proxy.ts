// An in-process pg-wire proxy: forwards every byte between a client and the
// upstream server, except the SQL text of Query and Parse messages, which it
// records and (for the stand-in) translates. Authentication, results, errors,
// notices and cancel requests pass through untouched, so the upstream's own
// password check applies and any number of concurrent, pipelining clients work.
import net, { type Socket } from "node:net";
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  PARSE,
  QUERY,
  SSL_REQUEST_CODE,
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
}

export interface WireProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  /** Rewrites SQL text before it goes upstream; absent means pass-through. */
  translate?: (sql: string) => string;
  /** Connections whose startup application_name is this are recorded as "harness". */
  harnessApplicationName: string;
}

export class WireProxy {
  readonly recorded: RecordedStatement[] = [];
  private readonly server = net.createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<Socket>();

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
    let pending: Buffer = Buffer.alloc(0);
    let upstream: Socket | null = null;
    let origin: StatementOrigin = "client";
    client.on("error", () => upstream?.destroy());
    client.on("close", () => upstream?.end());

    const startSession = (startup: Buffer) => {
      const parameters = startupParameters(startup);
      if (parameters.get("application_name") === this.options.harnessApplicationName) {
        origin = "harness";
      }
      const socket = this.connectUpstream();
      socket.on("error", (error) => {
        if (!client.destroyed) client.end(fatalError("08006", `stand-in proxy: ${error.message}`));
      });
      socket.pipe(client);
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
    const rewrite = (message: Buffer): Buffer => {
      try {
        const { sql, withSql } = readSqlMessage(message);
        this.recorded.push({ origin, sql });
        const translated = this.options.translate?.(sql) ?? sql;
        return translated === sql ? message : withSql(translated);
      } catch {
        return message;
      }
    };

    client.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      let offset = 0;
      for (;;) {
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
        offset += length;
        const type = message[0];
        out.push(type === QUERY || type === PARSE ? rewrite(message) : message);
      }
      pending = pending.subarray(offset);
      const target: Socket | null = upstream;
      if (target && out.length > 0 && !target.write(Buffer.concat(out))) {
        client.pause();
        target.once("drain", () => client.resume());
      }
    });
  }
}
