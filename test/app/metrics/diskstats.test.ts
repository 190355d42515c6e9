import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskstatsFormatError, parseDiskstats } from "../../../app/metrics";

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "../../fixtures/monitoring/diskstats", name), "utf8");

describe("/proc/diskstats parser", () => {
  it.each([
    ["14 fields (before 4.18)", "linux-4.4.txt", ["xvda", "xvdb"]],
    ["18 fields (4.18+, discards)", "linux-4.19.txt", ["nvme0n1", "dm-0"]],
    ["20 fields (5.5+, flushes)", "linux-6.1.txt", ["vda", "md0", "sr0"]],
  ])(
    "reads the %s variant and leaves out loop, ram, zram devices and partitions by default",
    (_v, file, devices) => {
      const parsed = parseDiskstats(fixture(file));

      expect(parsed.map((d) => d.device)).toEqual(devices);
    },
  );

  it("turns sectors into bytes (× 512) and milliseconds into seconds", () => {
    const [vda] = parseDiskstats(fixture("linux-6.1.txt"));

    expect(vda).toEqual({
      device: "vda",
      readsCompleted: 27573,
      writesCompleted: 9190,
      readBytes: 681_059_328,
      writtenBytes: 5_274_849_280,
      readTimeSeconds: 3.154,
      writeTimeSeconds: 59.171,
      ioTimeSeconds: 5.368,
    });
  });

  it("reads the same counters from the 14-field variant", () => {
    const [xvda] = parseDiskstats(fixture("linux-4.4.txt"));

    expect(xvda).toEqual({
      device: "xvda",
      readsCompleted: 48121,
      writesCompleted: 120554,
      readBytes: 1_321_653_248,
      writtenBytes: 2_464_059_392,
      readTimeSeconds: 30.772,
      writeTimeSeconds: 215.488,
      ioTimeSeconds: 78.12,
    });
  });

  it("keeps every device when given an exclude that matches none", () => {
    const parsed = parseDiskstats(fixture("linux-6.1.txt"), { exclude: /^$/ });

    expect(parsed.map((d) => d.device)).toEqual([
      "loop0",
      "loop1",
      "zram0",
      "vda",
      "vda1",
      "vda15",
      "md0",
      "sr0",
    ]);
  });

  it.each([
    [
      "a line with too few fields",
      " 8 0 sda 1 2 3 4\n",
      "/proc/diskstats line 1: expected at least 14 fields, found 7",
    ],
    [
      "a counter that is not a number",
      fixture("linux-4.4.txt").replace("48121 112", "48121 x12"),
      '/proc/diskstats line 5 (xvda): reads merged is "x12", expected a non-negative integer',
    ],
  ])("rejects %s, naming the line and field", (_case, text, message) => {
    expect(() => parseDiskstats(text)).toThrow(DiskstatsFormatError);
    expect(() => parseDiskstats(text)).toThrow(message);
  });

  it("reads an empty file (no block devices) as no devices", () => {
    expect(parseDiskstats("")).toEqual([]);
  });
});
