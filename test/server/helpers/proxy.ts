// A TCP proxy in front of a real node process, for fault tests: it passes bytes through until told to
//   cut      close every connection and refuse new ones (the node is down),
//   freeze   accept connections but never answer (the node hangs),
//   dropNext close the connection of the next request whose bytes contain a given text (one call fails),
// and `restore` makes it pass again on the same port. It listens on 127.0.0.1 only.
import { createServer, connect, type Server, type Socket } from "node:net";

export type FaultProxy = {
  url: string;
  port: number;
  mode: () => Mode;
  cut: () => Promise<void>;
  freeze: () => void;
  /** Closes the connection of the next `count` requests containing `text` (e.g. a function selector). */
  dropNext: (text: string, count?: number) => void;
  /** How many requests were dropped by dropNext so far. */
  dropped: () => number;
  restore: () => Promise<void>;
  close: () => Promise<void>;
};

type Mode = "pass" | "cut" | "freeze";

export async function startFaultProxy(target: { host?: string; port: number }, port = 0): Promise<FaultProxy> {
  const host = target.host ?? "127.0.0.1";
  let mode: Mode = "pass";
  const open = new Set<Socket>();
  const drops: { text: string; left: number }[] = [];
  let droppedCount = 0;

  function handle(client: Socket): void {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => undefined);
    if (mode === "freeze") {
      client.resume(); // read and discard: the node "hangs"
      return;
    }
    const upstream = connect(target.port, host);
    open.add(upstream);
    upstream.on("close", () => {
      open.delete(upstream);
      if (mode !== "freeze") client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.on("data", (chunk: Buffer) => {
      if (mode === "freeze") return;
      const text = chunk.toString("latin1");
      const drop = drops.find((d) => d.left > 0 && text.includes(d.text));
      if (drop) {
        drop.left--;
        droppedCount++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (mode !== "freeze") client.write(chunk);
    });
  }

  let server: Server = createServer(handle);
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const actualPort = await listen(port);

  const destroyAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    mode: () => mode,
    async cut() {
      mode = "cut";
      const closing = stopListening();
      destroyAll();
      await closing;
    },
    freeze() {
      mode = "freeze";
      // Connections to the node are dropped, the clients' are kept open and never answered.
      for (const socket of open) if (socket.remotePort === target.port) socket.destroy();
    },
    dropNext(text, count = 1) {
      drops.push({ text, left: count });
    },
    dropped: () => droppedCount,
    async restore() {
      const was = mode;
      mode = "pass";
      if (was === "freeze") destroyAll(); // the held connections were never answered: close them
      if (!server.listening) {
        server = createServer(handle);
        await listen(actualPort);
      }
    },
    async close() {
      mode = "cut";
      const closing = stopListening();
      destroyAll();
      await closing;
    },
  };
}
