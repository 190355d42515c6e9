import { describe, expect, it } from "vitest";
import { EXIT } from "../../../app/cli/exit-codes";
import { hostSnapshotSchema, readProcDiskstats } from "../../../app/metrics";
import { closedPort, startTcpServer } from "../../support/loopback";
import { opsdeck } from "./support";

describe("opsdeck metrics", () => {
  it("prints this machine's snapshot as JSON under the configured host name", async () => {
    const run = await opsdeck(["metrics", "--json", "--settle", "50"], {
      env: { OPSDECK_CONFIG: "hosts: { name: web01 }\nmetrics: { topProcesses: 0 }\n" },
    });

    expect(run.code).toBe(EXIT.ok);
    const snapshot = hostSnapshotSchema.parse(JSON.parse(run.stdout));
    expect(snapshot.host).toBe("web01");
    expect(snapshot.cpu.cores).toBeGreaterThan(0);
    expect(snapshot.memory.totalBytes).toBeGreaterThan(0);
  });

  it("prints tables for people, named by OPSDECK_HOST_NAME when set", async () => {
    const run = await opsdeck(["metrics", "--settle", "50"], {
      env: { OPSDECK_HOST_NAME: "db01", OPSDECK_CONFIG: "metrics: { topProcesses: 0 }\n" },
    });

    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/^HOST db01 at /);
    expect(run.stdout).toContain("FILESYSTEMS");
    expect(run.stdout).toMatch(/cpu\s+cores\s+load 1\/5\/15\s+memory/);
  });

  it("adds disk I/O (where the kernel has it) and each latency target's connect time", async () => {
    const peer = await startTcpServer();
    const port = await closedPort();
    const targets = `[{ name: db01, host: 127.0.0.1, port: ${peer.port} }, { name: gone, host: 127.0.0.1, port: ${port} }]`;
    try {
      const run = await opsdeck(["metrics", "--settle", "50"], {
        env: { OPSDECK_CONFIG: `metrics: { topProcesses: 0, latency: { targets: ${targets} } }\n` },
      });

      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain("LATENCY (TCP connect)");
      expect(run.stdout).toMatch(new RegExp(`db01\\s+127\\.0\\.0\\.1:${peer.port}\\s+[\\d.]+ ms\\s+up`));
      expect(run.stdout).toMatch(
        new RegExp(`gone\\s+127\\.0\\.0\\.1:${port}\\s+-\\s+down \\(ECONNREFUSED\\)`),
      );
      if ((await readProcDiskstats()) !== undefined)
        expect(run.stdout).toMatch(/DISK I\/O\n\s*device\s+read\s+written/);
    } finally {
      await peer.close();
    }
  });
});
