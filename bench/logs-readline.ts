/**
 * The baseline of bench/logs.ts: the usual Node log-parsing loop — readline over a read stream,
 * count lines containing ERROR, collect unique client IPs with a regex into a Set.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: logs-readline <file>");
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  // The tutorials' pattern (first dotted quad on the line).
  const ip = /\b\d+\.\d+\.\d+\.\d+\b/;
  const ips = new Set<string>();
  let count = 0;
  let errors = 0;
  for await (const line of lines) {
    count++;
    if (line.includes("ERROR")) errors++;
    const match = ip.exec(line);
    if (match) ips.add(match[0]);
  }
  process.stdout.write(`${JSON.stringify({ lines: count, errors, uniqueIps: ips.size })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
