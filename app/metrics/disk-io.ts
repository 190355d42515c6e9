import type { DiskCounters } from "./diskstats";
import type { DiskIOStats } from "./snapshot";

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Each device's counters with its rates since the previous sample (pure). A device new since then,
 * a first sample or a counter that went backwards (a wrap, a re-attached device) has null rates
 * rather than a spike. Utilisation is capped at 100: io_time can run a little ahead of wall time.
 */
export function diskIOStats(
  counters: readonly DiskCounters[],
  previous: readonly DiskIOStats[] | undefined,
  elapsedSeconds: number,
): DiskIOStats[] {
  return counters.map((c) => {
    const before = previous?.find((p) => p.device === c.device);
    const delta = (now: number, then: number | undefined) =>
      then === undefined || elapsedSeconds <= 0 || now < then ? null : now - then;
    const read = delta(c.readBytes, before?.readBytes);
    const written = delta(c.writtenBytes, before?.writtenBytes);
    const busy = delta(c.ioTimeSeconds, before?.ioTimeSeconds);
    return {
      ...c,
      readBytesPerSecond: read === null ? null : round1(read / elapsedSeconds),
      writeBytesPerSecond: written === null ? null : round1(written / elapsedSeconds),
      ioUtilizationPercent: busy === null ? null : Math.min(100, round1((busy / elapsedSeconds) * 100)),
    };
  });
}
