import * as net from "node:net";
import type { TcpCheckConfig } from "./config";
import type { ProbeContext } from "./probe-context";
import { type ProbeOutcome, unreachableOutcome } from "./result";

/** Up when a TCP connection opens; the socket is closed straight away. */
export function probeTcp(check: TcpCheckConfig, ctx: ProbeContext): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: check.host, port: check.port });
    const onAbort = () => socket.destroy(new Error("aborted (timeout)"));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const finish = (outcome: ProbeOutcome) => {
      ctx.signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(outcome);
    };
    socket.once("connect", () =>
      finish({
        status: "up",
        message: `connected to ${check.host}:${check.port}`,
        conditions: [{ name: "connect", passed: true, severity: "down" }],
      }),
    );
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish(
        unreachableOutcome(`cannot connect to ${check.host}:${check.port}: ${error.code ?? error.message}`, {
          conditions: [
            { name: "connect", passed: false, severity: "down", detail: error.code ?? error.message },
          ],
        }),
      ),
    );
  });
}
