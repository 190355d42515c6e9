/**
 * A pure parser for Linux's /proc/diskstats (Documentation/admin-guide/iostats.rst).
 *
 * Each line is `major minor name` then the device's counters: 11 of them since 2.6.25 (14 fields),
 * 4 discard counters more since 4.18 (18 fields) and 2 flush counters more since 5.5 (20 fields).
 * Only the first 11 are read, so every variant (and any later kernel that appends more) parses.
 * Sectors are always 512 bytes here, whatever the device's own sector size.
 */

/** node_exporter's default `--collector.diskstats.device-exclude`: RAM disks, loops, floppies, partitions. */
export const DEFAULT_DISK_DEVICE_EXCLUDE = String.raw`^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`;

const SECTOR_BYTES = 512;
const MIN_FIELDS = 14;

/** One block device's cumulative counters, in node_exporter's units (bytes, seconds). */
export interface DiskCounters {
  device: string;
  readsCompleted: number;
  writesCompleted: number;
  readBytes: number;
  writtenBytes: number;
  readTimeSeconds: number;
  writeTimeSeconds: number;
  /** Time the device had I/O in flight; its growth over wall time is the utilisation. */
  ioTimeSeconds: number;
}

export class DiskstatsFormatError extends Error {
  override readonly name = "DiskstatsFormatError";
}

/** Counter names by position after `major minor name`, for error messages. */
const FIELD_NAMES = [
  "reads completed",
  "reads merged",
  "sectors read",
  "ms reading",
  "writes completed",
  "writes merged",
  "sectors written",
  "ms writing",
  "I/Os in progress",
  "ms doing I/O",
  "weighted ms doing I/O",
] as const;

/**
 * Every device in `text` whose name `exclude` does not match, in file order. A line that is not
 * in the kernel's format is an error naming the line and field, not a silently wrong counter.
 */
export function parseDiskstats(text: string, options: { exclude?: RegExp } = {}): DiskCounters[] {
  const exclude = options.exclude ?? new RegExp(DEFAULT_DISK_DEVICE_EXCLUDE);
  const devices: DiskCounters[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `/proc/diskstats line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length < MIN_FIELDS) {
      throw new DiskstatsFormatError(
        `${where}: expected at least ${MIN_FIELDS} fields, found ${fields.length}`,
      );
    }
    const device = fields[2] ?? "";
    if (exclude.test(device)) return;
    const counters = FIELD_NAMES.map((name, i) => {
      const value = fields[3 + i] ?? "";
      if (!/^\d+$/.test(value)) {
        throw new DiskstatsFormatError(
          `${where} (${device}): ${name} is "${value}", expected a non-negative integer`,
        );
      }
      return Number(value);
    });
    const at = (i: number) => counters[i] ?? 0;
    devices.push({
      device,
      readsCompleted: at(0),
      readBytes: at(2) * SECTOR_BYTES,
      readTimeSeconds: at(3) / 1000,
      writesCompleted: at(4),
      writtenBytes: at(6) * SECTOR_BYTES,
      writeTimeSeconds: at(7) / 1000,
      ioTimeSeconds: at(9) / 1000,
    });
  });
  return devices;
}
