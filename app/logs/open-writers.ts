import { readdir, readFile, stat } from "node:fs/promises";

/**
 * Processes that hold a file open for writing, found through /proc (Linux). Only processes this
 * one may inspect are seen (all of them as root, its own user's otherwise). Used by rotation to
 * wait until a writer has reopened its log before the renamed file is compressed, and to find
 * whom to pause. Returns [] where /proc is unavailable.
 */
export async function findWriters(
  target: { dev: number; ino: number },
  procRoot = "/proc",
): Promise<number[]> {
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const writers: number[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${procRoot}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const info = await stat(`${procRoot}/${pid}/fd/${fd}`);
        if (info.ino !== target.ino || info.dev !== target.dev) continue;
        const fdinfo = await readFile(`${procRoot}/${pid}/fdinfo/${fd}`, "utf8");
        const flags = /flags:\s+([0-7]+)/.exec(fdinfo);
        // O_WRONLY = 1, O_RDWR = 2: a reader (a follower, `tail -F`) does not count.
        if (flags && (Number.parseInt(flags[1] as string, 8) & 3) !== 0) {
          writers.push(Number(pid));
          break;
        }
      } catch {
        // The fd closed or the process exited meanwhile.
      }
    }
  }
  return writers;
}
