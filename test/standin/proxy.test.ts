// The proxy against a fake upstream that records the bytes it receives: framing
// of fragmented and pipelined messages, what is rewritten and what is not.
import net from "node:net";
import { afterEach, expect, test } from "vitest";
import { WireProxy } from "../support/risingwave/proxy.js";
import { sleep } from "./readers.js";

function startup(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(
    Object.entries(parameters)
      .map(([k, v]) => `${k}\0${v}\0`)
      .join("") + "\0",
  );
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4); // protocol 3.0
  return Buffer.concat([head, body]);
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstring = (s: string) => Buffer.from(`${s}\0`);
const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const query = (sql: string) => message("Q", cstring(sql));
const parse = (name: string, sql: string, types: number[]) =>
  message(
    "P",
    Buffer.concat([cstring(name), cstring(sql), int16(types.length), ...types.map(int32)]),
  );
const sync = () => message("S", Buffer.alloc(0));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A fake upstream and a translating proxy in front of it. */
async function harness() {
  const received: Buffer[] = [];
  const upstream = net.createServer((socket) => socket.on("data", (d) => received.push(d)));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const proxy = new WireProxy({
    upstreamHost: "127.0.0.1",
    upstreamPort: (upstream.address() as net.AddressInfo).port,
    translate: (sql) => sql.replace("RISINGWAVE", "POSTGRES"),
    harnessApplicationName: "the-harness",
  });
  const port = await proxy.listen();
  cleanups.push(async () => {
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });
  const connect = async () => {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    return socket;
  };
  const upstreamBytes = async (length: number) => {
    for (let i = 0; i < 200 && Buffer.concat(received).length < length; i++) await sleep(5);
    return Buffer.concat(received);
  };
  return { proxy, connect, upstreamBytes };
}

test("fragmented and pipelined messages are reassembled, rewritten and recorded in order", async () => {
  const { proxy, connect, upstreamBytes } = await harness();
  const socket = await connect();
  const hello = startup({ user: "u", database: "d" });
  const sent = Buffer.concat([
    hello,
    query("SELECT RISINGWAVE"),
    parse("stmt1", "SELECT RISINGWAVE WHERE x = $1", [23]),
    message("B", Buffer.from([0, 0x73, 0x74, 0, 0, 0, 0, 0, 0, 0])),
    sync(),
    query("SELECT 'untouched'"),
  ]);
  // In 7-byte pieces with pauses, so messages and their headers arrive split.
  for (let i = 0; i < sent.length; i += 7) {
    socket.write(sent.subarray(i, i + 7));
    if (i % 35 === 0) await sleep(1);
  }
  const expected = Buffer.concat([
    hello,
    query("SELECT POSTGRES"),
    parse("stmt1", "SELECT POSTGRES WHERE x = $1", [23]),
    message("B", Buffer.from([0, 0x73, 0x74, 0, 0, 0, 0, 0, 0, 0])),
    sync(),
    query("SELECT 'untouched'"),
  ]);
  expect((await upstreamBytes(expected.length)).equals(expected)).toBe(true);
  expect(proxy.recorded).toEqual([
    { origin: "client", sql: "SELECT RISINGWAVE", protocol: "simple", connection: 1 },
    {
      origin: "client",
      sql: "SELECT RISINGWAVE WHERE x = $1",
      protocol: "extended",
      connection: 1,
    },
    { origin: "client", sql: "SELECT 'untouched'", protocol: "simple", connection: 1 },
  ]);
  socket.destroy();
});

test("SSLRequest gets 'N', the startup that follows is forwarded, harness sessions are told apart", async () => {
  const { proxy, connect, upstreamBytes } = await harness();
  const socket = await connect();
  const ssl = Buffer.alloc(8);
  ssl.writeInt32BE(8, 0);
  ssl.writeInt32BE(80877103, 4);
  const answer = new Promise<Buffer>((resolve) => socket.once("data", resolve));
  socket.write(ssl);
  expect((await answer).toString("latin1")).toBe("N");
  const hello = startup({ user: "u", application_name: "the-harness" });
  socket.write(Buffer.concat([hello, query("SELECT 1")]));
  const bytes = await upstreamBytes(hello.length + query("SELECT 1").length);
  expect(bytes.subarray(0, hello.length).equals(hello)).toBe(true);
  expect(proxy.recorded).toEqual([
    { origin: "harness", sql: "SELECT 1", protocol: "simple", connection: 1 },
  ]);
  socket.destroy();
});
