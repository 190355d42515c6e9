import type { ScanConfig } from "../../app/logs/scan-task";

/** A scan task's settings as `analyzeLogs` builds them by default: no filter, the default limits. */
export const DEFAULT_SCAN_CONFIG: ScanConfig = {
  filter: { levels: null, pattern: null, since: Number.NaN, until: Number.NaN },
  limits: { ipExactLimit: 50_000, errorTypeLimit: 1000, messageLimit: 5000, maxDays: 400 },
  scanner: { maxLineBytes: 65_536, messageScanBytes: 1024 },
  assumeOffsetMinutes: 0,
  chunkBytes: 64 * 1024,
};
