import * as net from "node:net";

/** A fleet peer whose TCP connect time is measured each sample. */
export interface LatencyTarget {
  /** `db01`: the `target` label and the threshold key. */
  name: string;
  host: string;
  port: number;
}

/** One measurement; a failed connect is a result (`up: false`, the reason), never a throw. */
export interface LatencyResult {
  target: string;
  /** `host:port`, so a reader sees what was measured. */
  address: string;
  up: boolean;
  /** The TCP handshake alone (DNS lookup excluded); null when the connect failed. */
  connectSeconds: number | null;
  /** Why the connect failed: `ECONNREFUSED`, `timed out after 2000 ms`. */
  error?: string;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Opens a TCP connection to the target and closes it as soon as it is established. The clock
 * restarts when the lookup ends and at each connection attempt (Node tries IPv6 and IPv4 addresses
 * in turn), so the time is the handshake with the address that answered, not name resolution.
 */
export function measureTcpConnect(
  target: LatencyTarget,
  options: { timeoutMs: number },
): Promise<LatencyResult> {
  const address = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  return new Promise((resolve) => {
    let started = performance.now();
    const socket = net.connect({ host: target.host, port: target.port });
    const finish = (result: Omit<LatencyResult, "target" | "address">) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ target: target.name, address, ...result });
    };
    const restart = () => {
      started = performance.now();
    };
    const timer = setTimeout(
      () => finish({ up: false, connectSeconds: null, error: `timed out after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    socket.once("lookup", restart);
    socket.on("connectionAttempt", restart);
    socket.once("connect", () =>
      finish({ up: true, connectSeconds: round6((performance.now() - started) / 1000) }),
    );
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish({ up: false, connectSeconds: null, error: error.code ?? (error.message || error.name) }),
    );
  });
}

/** Every target at once; the slowest bounds the wait (each is capped by `timeoutMs`). */
export function measureLatency(
  targets: readonly LatencyTarget[],
  options: { timeoutMs: number },
): Promise<LatencyResult[]> {
  return Promise.all(targets.map((t) => measureTcpConnect(t, options)));
}
