import { describe, expect, it } from "vitest";
import { numberFlag, numberFlags } from "../../bench/lib/cli";
import { hasCommand, PEERS, skipNote } from "../../bench/lib/peers";
import { parseGnuTime } from "../../bench/lib/process";
import { formatSize, parseSize } from "../../bench/lib/size";
import { median, quantile } from "../../bench/lib/stats";
import { parseWrk, wrkArgs, wrkLatencyMs } from "../../bench/lib/wrk";

const WRK_OUTPUT = `Running 10s test @ http://127.0.0.1:8080/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.33ms    2.94ms  55.56ms   97.71%
    Req/Sec    12.10k     2.08k   25.71k    85.07%
  Latency Distribution
     50%  812.00us
     75%    2.19ms
     90%    2.77ms
     99%   11.32ms
  242123 requests in 10.10s, 31.76GB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  23975.98
Transfer/sec:      3.14GB
`;

describe("wrk output", () => {
  it("reads req/s, p50 and p99 in milliseconds, and counts socket errors and bad statuses", () => {
    expect(parseWrk(WRK_OUTPUT)).toEqual({
      requestsPerSecond: 23975.98,
      p50Ms: 0.812,
      p99Ms: 11.32,
      errors: 7,
    });
  });

  it("converts every latency unit wrk prints", () => {
    expect([
      wrkLatencyMs("500.00us"),
      wrkLatencyMs("1.5ms"),
      wrkLatencyMs("1.01s"),
      wrkLatencyMs("1.00m"),
    ]).toEqual([0.5, 1.5, 1010, 60_000]);
  });

  it("refuses output without a latency distribution", () => {
    expect(() => parseWrk("Requests/sec: 1")).toThrow(/unexpected wrk output/);
  });

  it("builds the command line with no more threads than connections and the headers given", () => {
    expect(
      wrkArgs("http://h/m", {
        connections: 1,
        seconds: 2,
        threads: 2,
        headers: { Authorization: "Bearer t" },
      }),
    ).toEqual(["-t1", "-c1", "-d2s", "--latency", "-H", "Authorization: Bearer t", "http://h/m"]);
  });
});

describe("GNU time report", () => {
  it("reads the maximum resident set and the CPU time from `time -v`", () => {
    const report = [
      '\tCommand being timed: "rg -c ERROR syslog.log"',
      "\tUser time (seconds): 0.08",
      "\tSystem time (seconds): 0.02",
      "\tMaximum resident set size (kbytes): 6144",
    ].join("\n");

    expect(parseGnuTime(report)).toEqual({ peakRssKiB: 6144, cpuSeconds: 0.1 });
    expect(parseGnuTime("garbage")).toBeNull();
  });
});

describe("peers", () => {
  it("finds installed commands and not missing ones", () => {
    expect(hasCommand("sh")).toBe(true);
    expect(hasCommand("opsdeck-no-such-tool")).toBe(false);
  });

  it("says which Debian package to install for a skipped comparison", () => {
    expect(skipNote("tar -I pigz", [PEERS.pigz])).toBe(
      "tar -I pigz: skipped, `pigz` not installed (Debian/Ubuntu: `sudo apt-get install pigz`)",
    );
    expect(skipNote("/metrics", [PEERS.wrk, PEERS.nodeExporter])).toContain(
      "`sudo apt-get install wrk prometheus-node-exporter`",
    );
  });
});

describe("sizes and statistics", () => {
  it("parses binary sizes and names the bad flag value", () => {
    expect([
      parseSize("1g"),
      parseSize("1GiB"),
      parseSize("256m"),
      parseSize("64MiB"),
      parseSize("100000"),
    ]).toEqual([1024 ** 3, 1024 ** 3, 256 * 1024 ** 2, 64 * 1024 ** 2, 100_000]);
    expect(() => parseSize("lots")).toThrow(
      '--size: expected a size such as 1GiB, 256m or 100000, got "lots"',
    );
    expect([formatSize(1024 ** 3), formatSize(32 * 1024 ** 2)]).toEqual(["1 GiB", "32 MiB"]);
  });

  it("takes medians of odd and even counts and nearest-rank quantiles", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(quantile([5, 1, 4, 2, 3], 0.9)).toBe(5);
  });
});

describe("numeric bench flags", () => {
  it("parses the flags given and leaves absent ones out", () => {
    expect(
      numberFlags({ runs: "5", seed: "0" }, { runs: "positive", seed: "any", seconds: "positive" }),
    ).toEqual({
      runs: 5,
      seed: 0,
    });
  });

  it("names the flag and the value it could not use", () => {
    expect(() => numberFlags({ runs: "five" }, { runs: "positive" })).toThrow(
      '--runs: expected a positive number, got "five"',
    );
    expect(() => numberFlag("0", "seconds", "positive")).toThrow(
      '--seconds: expected a positive number, got "0"',
    );
    expect(() => numberFlag(" ", "seed", "any")).toThrow('--seed: expected a number, got " "');
  });
});
