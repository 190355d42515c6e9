import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { peakRssOfPid } from "./process";

/** A server the benchmark started in its own process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** The process's peak resident set so far (VmHWM), MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (for servers that need one given). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The server prints its URL as `listening <url>` on stdout… */
  announcesUrl?: boolean;
  /** …or answers on this URL once ready. */
  readyUrl?: string;
  timeoutMs?: number;
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000).then(() => proc.kill("SIGKILL"))]);
  };
}

/** Starts `command` and resolves once it serves; rejects when it exits first or takes too long. */
export async function startServer(
  command: string,
  args: string[],
  options: StartOptions,
): Promise<ServerProcess> {
  const proc = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString();
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  const stop = stopper(proc);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    let url = options.readyUrl;
    for (;;) {
      if (proc.exitCode !== null)
        throw new Error(`${command} exited with ${proc.exitCode}: ${output.trim()}`);
      if (Date.now() > deadline) throw new Error(`${command} did not start in time: ${output.trim()}`);
      if (options.announcesUrl) {
        url = /listening (\S+)/.exec(output)?.[1];
        if (url) break;
      } else if (
        url &&
        (await fetch(url).then(
          (r) => r.arrayBuffer().then(() => r.ok),
          () => false,
        ))
      ) {
        break;
      }
      await sleep(50);
    }
    const pid = proc.pid as number;
    return { url: url as string, pid, peakRssMiB: () => peakRssOfPid(pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
