import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** A tool the benchmark compares against or measures with, and the Debian package that has it. */
export interface Peer {
  command: string;
  debianPackage: string;
}

export const PEERS = {
  rg: { command: "rg", debianPackage: "ripgrep" },
  grep: { command: "grep", debianPackage: "grep" },
  mawk: { command: "mawk", debianPackage: "mawk" },
  tar: { command: "tar", debianPackage: "tar" },
  gzip: { command: "gzip", debianPackage: "gzip" },
  pigz: { command: "pigz", debianPackage: "pigz" },
  zstd: { command: "zstd", debianPackage: "zstd" },
  wrk: { command: "wrk", debianPackage: "wrk" },
  nodeExporter: { command: "prometheus-node-exporter", debianPackage: "prometheus-node-exporter" },
  gnuTime: { command: "/usr/bin/time", debianPackage: "time" },
} as const satisfies Record<string, Peer>;

export function hasCommand(command: string): boolean {
  if (command.startsWith("/")) return existsSync(command);
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", command], { stdio: "ignore" }).status === 0;
}

/** The peers of `peers` that are not installed. */
export function missingPeers(peers: readonly Peer[]): Peer[] {
  return peers.filter((peer) => !hasCommand(peer.command));
}

/** What the report says about a skipped comparison: which tool is missing and how to install it. */
export function skipNote(what: string, missing: readonly Peer[]): string {
  const tools = missing.map((p) => `\`${p.command}\``).join(", ");
  const packages = [...new Set(missing.map((p) => p.debianPackage))].join(" ");
  return `${what}: skipped, ${tools} not installed (Debian/Ubuntu: \`sudo apt-get install ${packages}\`)`;
}
