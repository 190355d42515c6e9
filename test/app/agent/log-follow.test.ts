import { appendFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { type LogReport, logTasks } from "../../../app/agent";
import { logsConfigSchema } from "../../../app/logs/config";
import { Scheduler } from "../../../app/scheduler";
import { LocalStore } from "../../../app/storage";
import { captureLogger } from "../../support/capture-log";
import { useTempDirs } from "../../support/temp-dir";
import { json, waitFor } from "./support";

/** The follower's default rotationGraceMs: how long a renamed-away file is still read. */
const ROTATION_GRACE_MS = 2_000;

function errorLines(type: string, from: number, count: number): string {
  let text = "";
  for (let i = from; i < from + count; i++)
    text += `2026-11-21T10:00:${String(i).padStart(2, "0")}Z ERROR ${type} line ${i}\n`;
  return text;
}

describe("agent log follow", () => {
  const tempDir = useTempDirs("opsdeck-agent-follow");

  it("counts every line once across a rename rotation, in the window and the stored report", async () => {
    const dir = await tempDir();
    const log = path.join(dir, "app.log");
    await writeFile(log, "");
    const store = new LocalStore(path.join(dir, "store"));
    const config = logsConfigSchema.parse({ follow: [log], pollIntervalMs: 50, reportEveryMs: 60_000 });
    const captured = captureLogger();
    const reports: LogReport[] = [];
    const scheduler = new Scheduler({ logger: captured.logger });
    for (const task of logTasks(config, "web01", store, {
      logger: captured.logger,
      now: () => new Date(),
      onReport: (report) => reports.push(report),
    }))
      scheduler.register(task);
    scheduler.start();
    /** Runs the report task now and returns what it wrote. */
    const report = async (): Promise<LogReport> => {
      await scheduler.runNow("logs:report");
      const last = reports[reports.length - 1];
      if (!last) throw new Error("no report written");
      return last;
    };

    try {
      // The follower starts at the end of the file: write INFO lines until one is counted, so it
      // is known to be watching. They are told apart from the lines under test by their level.
      await waitFor("the follower to watch the file", async () => {
        await appendFile(log, "2026-11-21T09:59:59Z INFO warming up\n");
        return (await report()).lines > 0;
      });

      await appendFile(log, errorLines("BeforeRotation", 0, 2));
      await waitFor("the first lines", async () => (await report()).errors === 2);
      // One more line the follower has not read yet, then logrotate's rename and a new file.
      await appendFile(log, errorLines("BeforeRotation", 2, 1));
      await rename(log, `${log}.1`);
      // A writer still holding the old file appends before it reopens.
      await appendFile(`${log}.1`, errorLines("LateWrite", 3, 1));
      await writeFile(log, errorLines("AfterRotation", 4, 2));
      await appendFile(log, errorLines("AfterRotation", 6, 2));
      await waitFor("the lines around the rotation", async () => (await report()).errors >= 8, 10_000);
      // Past the grace period the old file is closed; then one more line in the new file.
      await delay(ROTATION_GRACE_MS + 300);
      await appendFile(log, errorLines("AfterRotation", 8, 1));
      await waitFor("the last line", async () => (await report()).errors >= 9, 10_000);
      await delay(200); // a few more polls, in case anything arrived twice

      const final = await report();
      expect(final).toMatchObject({ host: "web01", errors: 9, warnings: 0 });
      expect(final.lines - final.levels.info).toBe(9);
      expect(final.errorTypes).toEqual([
        { type: "AfterRotation", count: 5 },
        { type: "BeforeRotation", count: 3 },
        { type: "LateWrite", count: 1 },
      ]);
      expect(final.files).toMatchObject([{ path: log, format: "generic", errors: 9, unparsed: 0 }]);
      expect(final.files[0]?.lines).toBe(final.lines);
      expect(json<LogReport>(await store.get("hosts/web01.logs.json"))).toEqual(final);
      const rotations = captured.lines().filter((line) => line.includes('"log rotated"'));
      expect(rotations).toHaveLength(1);
      expect(rotations[0]).toContain('"kind":"rename"');
    } finally {
      expect(await scheduler.stop(5_000)).toEqual([]);
    }
  });
});
