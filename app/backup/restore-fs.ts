import type { Stats } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";

/**
 * File-system steps of a restore that happen after extraction into a staging folder: proving no
 * extracted symlink leads outside, planning the moves into the target, and making them.
 */

const MAX_LINK_HOPS = 40;

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Resolves `rel` inside `root` the way the kernel would, following symlinks that exist on disk, and
 * reports whether it stays inside. Parts that do not exist are taken literally.
 */
export async function staysInside(root: string, rel: string): Promise<boolean> {
  let parts = rel.split("/");
  const stack: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift() as string;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0) return false;
      stack.pop();
      continue;
    }
    stack.push(part);
    const stat = await lstatOrUndefined(path.join(root, ...stack));
    if (stat?.isSymbolicLink()) {
      if (++hops > MAX_LINK_HOPS) return false;
      const link = await fs.readlink(path.join(root, ...stack));
      if (path.isAbsolute(link)) return false;
      stack.pop();
      parts = [...link.split("/"), ...parts];
    }
  }
  return true;
}

/** Every symlink under `root` whose target resolves outside `root`, as relative paths. */
export async function findEscapingSymlinks(root: string): Promise<string[]> {
  const escaping: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        if (!(await staysInside(root, child))) escaping.push(child);
      } else if (entry.isDirectory()) {
        await walk(child);
      }
    }
  };
  await walk("");
  return escaping;
}

export interface MovePlan {
  moves: Array<{ from: string; to: string; replaces: boolean }>;
  /** Existing files the restore would overwrite (allowed with force). */
  overwrites: string[];
  /** Paths that cannot be restored whatever the options: type clashes, symlinks in the way. */
  blocked: string[];
}

/**
 * Plans moving the staged tree into the target. New folders move whole; folders that exist are merged;
 * existing files are only replaced with `force`. Never writes through a symlink that is already in
 * the target, and never swaps a folder for a file or the other way round.
 */
export async function planMoves(staging: string, target: string, force: boolean): Promise<MovePlan> {
  const plan: MovePlan = { moves: [], overwrites: [], blocked: [] };
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(staging, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const from = path.join(staging, child);
      const to = path.join(target, child);
      const existing = await lstatOrUndefined(to);
      if (!existing) {
        plan.moves.push({ from, to, replaces: false });
      } else if (entry.isDirectory() && !entry.isSymbolicLink()) {
        if (existing.isDirectory()) await walk(child);
        else if (existing.isSymbolicLink())
          plan.blocked.push(`${child}: a symlink in the target; not restoring through it`);
        else plan.blocked.push(`${child}: a file in the target but a folder in the backup`);
      } else if (existing.isDirectory()) {
        plan.blocked.push(`${child}: a folder in the target but not a folder in the backup`);
      } else {
        plan.overwrites.push(child);
        if (force) plan.moves.push({ from, to, replaces: true });
      }
    }
  };
  await walk("");
  return plan;
}

/** Renames each planned item into place; each rename is atomic, so no file is ever half-written. */
export async function applyMoves(plan: MovePlan, onMoved?: () => void): Promise<void> {
  for (const move of plan.moves) {
    await fs.rename(move.from, move.to);
    onMoved?.();
  }
}
