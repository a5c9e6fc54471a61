// PostgreSQL v3 wire-protocol framing: only what the proxy needs to find, read and
// rewrite the messages that carry SQL text (simple Query 'Q', extended Parse 'P').

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export const QUERY = 0x51; // 'Q'
export const PARSE = 0x50; // 'P'
export const SYNC = 0x53; // 'S' (client to server)
export const READY_FOR_QUERY = 0x5a; // 'Z' (server to client): one per Query or Sync

/** Length of the untyped startup-phase packet at offset, or null if not all there yet. */
export function startupPacketLength(buffer: Buffer, offset: number): number | null {
  if (buffer.length - offset < 8) return null;
  const length = buffer.readInt32BE(offset);
  return buffer.length - offset < length ? null : length;
}

/** Total size (type byte included) of the typed message at offset, or null if incomplete. */
export function messageLength(buffer: Buffer, offset: number): number | null {
  if (buffer.length - offset < 5) return null;
  const total = 1 + buffer.readInt32BE(offset + 1);
  return buffer.length - offset < total ? null : total;
}

/** The key/value parameters of a StartupMessage packet. */
export function startupParameters(packet: Buffer): Map<string, string> {
  const parameters = new Map<string, string>();
  const fields = packet.subarray(8).toString("utf8").split("\0");
  for (let i = 0; i + 1 < fields.length && fields[i] !== ""; i += 2) {
    parameters.set(fields[i] as string, fields[i + 1] as string);
  }
  return parameters;
}

function cstringEnd(buffer: Buffer, from: number): number {
  const end = buffer.indexOf(0, from);
  if (end === -1) throw new Error("malformed message: unterminated string");
  return end;
}

function frame(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export interface SqlMessage {
  sql: string;
  /** Rebuilds the same message around different SQL text. */
  withSql(sql: string): Buffer;
}

/** Reads the SQL out of a complete 'Q' or 'P' message. */
export function readSqlMessage(message: Buffer): SqlMessage {
  const type = message[0] as number;
  if (type === QUERY) {
    const sql = message.toString("utf8", 5, cstringEnd(message, 5));
    return { sql, withSql: (text) => frame(QUERY, Buffer.from(`${text}\0`, "utf8")) };
  }
  // Parse: statement name, query, then parameter type oids kept as they are.
  const nameEnd = cstringEnd(message, 5);
  const queryEnd = cstringEnd(message, nameEnd + 1);
  const name = message.subarray(5, nameEnd + 1);
  const rest = message.subarray(queryEnd + 1);
  return {
    sql: message.toString("utf8", nameEnd + 1, queryEnd),
    withSql: (text) => frame(PARSE, Buffer.concat([name, Buffer.from(`${text}\0`, "utf8"), rest])),
  };
}

/** A FATAL ErrorResponse, for failures the proxy itself has to report. */
export function fatalError(code: string, message: string): Buffer {
  const fields = `SFATAL\0VFATAL\0C${code}\0M${message}\0\0`;
  return frame(0x45, Buffer.from(fields, "utf8"));
}

/**
 * Finds where typed messages end in a byte stream that arrives in chunks, without
 * buffering it (the server's results can be large): only the 5-byte header of a
 * message split across chunks is kept.
 */
export class MessageBoundaries {
  private header = Buffer.alloc(0);
  private type = 0;
  /** Bytes of the current message's body still to come; -1 while its header is incomplete. */
  private remaining = -1;

  /** Calls `onEnd(type, end)` for every message that ends in `chunk`, `end` being its offset there. */
  scan(chunk: Buffer, onEnd: (type: number, end: number) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining < 0) {
        const need = 5 - this.header.length;
        const take = chunk.subarray(offset, offset + need);
        this.header = Buffer.concat([this.header, take]);
        offset += take.length;
        if (this.header.length < 5) return;
        this.type = this.header[0] as number;
        this.remaining = this.header.readInt32BE(1) - 4;
        this.header = Buffer.alloc(0);
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      offset += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.remaining = -1;
        onEnd(this.type, offset);
      }
    }
  }
}
