import { describe, expect, it } from "vitest";
import { type DiskCounters, diskIOStats } from "../../../app/metrics";

const counters = (
  device: string,
  readBytes: number,
  writtenBytes: number,
  ioTimeSeconds: number,
): DiskCounters => ({
  device,
  readsCompleted: 0,
  writesCompleted: 0,
  readBytes,
  writtenBytes,
  readTimeSeconds: 0,
  writeTimeSeconds: 0,
  ioTimeSeconds,
});

describe("disk I/O rates", () => {
  it("has no rates on the first sample", () => {
    const [vda] = diskIOStats([counters("vda", 1000, 1000, 1)], undefined, 0);

    expect(vda).toMatchObject({
      readBytesPerSecond: null,
      writeBytesPerSecond: null,
      ioUtilizationPercent: null,
    });
  });

  it("derives bytes per second and utilisation (Δ io time / Δ t) from two samples", () => {
    const before = diskIOStats([counters("vda", 1_000_000, 0, 10.2)], undefined, 0);

    const [vda] = diskIOStats([counters("vda", 6_000_000, 2_500_000, 12.7)], before, 5);

    expect(vda).toMatchObject({
      readBytes: 6_000_000,
      readBytesPerSecond: 1_000_000,
      writeBytesPerSecond: 500_000,
      ioUtilizationPercent: 50,
    });
  });

  it("caps utilisation at 100 % when io time ran ahead of the wall clock", () => {
    const before = diskIOStats([counters("vda", 0, 0, 1)], undefined, 0);

    const [vda] = diskIOStats([counters("vda", 0, 0, 6.2)], before, 5);

    expect(vda?.ioUtilizationPercent).toBe(100);
  });

  it("gives a device that reset its counters or just appeared null rates, not a spike", () => {
    const before = diskIOStats([counters("vda", 9_000_000, 9_000_000, 100)], undefined, 0);

    const [vda, vdb] = diskIOStats([counters("vda", 10, 10, 0.1), counters("vdb", 500, 500, 1)], before, 5);

    expect(vda).toMatchObject({
      readBytesPerSecond: null,
      writeBytesPerSecond: null,
      ioUtilizationPercent: null,
    });
    expect(vdb).toMatchObject({ readBytesPerSecond: null, ioUtilizationPercent: null });
  });
});
