/**
 * One opsdeck backup as the benchmark's measured process (bundled by bench/backup.ts and run with
 * plain node, so the figures carry no TypeScript loader): archives <source> into a LocalStore at
 * <store> and prints the record as JSON. It imports createBackup and LocalStore from their own
 * modules, not the barrels, which would also load the AWS SDK (~19 MiB resident) that a backup
 * into a local directory never uses.
 *
 *   node backup-run.js <store> <source> <gzip|pigz|zstd> [level (0: its default)] [threads]
 */
import { createBackup } from "../app/backup/create";
import { LocalStore } from "../app/storage/local-store";

const [storeDir, source, name, level, threads] = process.argv.slice(2);
if (!storeDir || !source || (name !== "gzip" && name !== "pigz" && name !== "zstd")) {
  process.stderr.write("usage: backup-run <store> <source> <gzip|pigz|zstd> [level] [threads]\n");
  process.exit(2);
}

createBackup({
  store: new LocalStore(storeDir),
  sources: [source],
  host: "bench",
  label: name,
  compressor: {
    name,
    ...(level && level !== "0" ? { level: Number(level) } : {}),
    ...(threads ? { threads: Number(threads) } : {}),
  },
  recordState: false,
}).then(
  (record) => {
    if (record.warnings.length > 0) process.stderr.write(`${record.warnings.join("\n")}\n`);
    process.stdout.write(
      `${JSON.stringify({ size: record.size, tarBytes: record.tarBytes, files: record.files })}\n`,
    );
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  },
);
