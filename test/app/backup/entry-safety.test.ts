import { describe, expect, it } from "vitest";
import { EntrySafety, normaliseEntryPath, type TarEntryLike } from "../../../app/backup/entry-safety";

const file = (path: string): TarEntryLike => ({ path, type: "File" });
const dir = (path: string): TarEntryLike => ({ path, type: "Directory" });
const symlink = (path: string, linkpath: string): TarEntryLike => ({ path, type: "SymbolicLink", linkpath });
const hardlink = (path: string, linkpath: string): TarEntryLike => ({ path, type: "Link", linkpath });

/** Checks entries in order and returns the verdict on the last one. */
function verdict(...entries: TarEntryLike[]): string | undefined {
  const safety = new EntrySafety();
  let last: string | undefined;
  for (const entry of entries) last = safety.check(entry);
  return last;
}

describe("EntrySafety", () => {
  it.each<[string, TarEntryLike[]]>([
    ["a plain file", [file("etc/hosts")]],
    ["the archive root", [dir("./")]],
    ["a ./-prefixed path", [file("./etc/hosts")]],
    ["a relative symlink that stays inside", [symlink("etc/nginx/sites-enabled/a", "../sites-available/a")]],
    ["a symlink to a sibling", [symlink("lib/libc.so", "libc.so.6")]],
    ["a dangling symlink inside", [symlink("a/b", "missing")]],
    ["a hardlink to an earlier file", [file("a/one"), hardlink("a/two", "a/one")]],
    ["a file next to a symlink", [symlink("a/l", "x"), file("a/x")]],
    ["a symlink through a real folder and back", [dir("a/b"), symlink("a/b/l", "../../c")]],
  ])("allows %s", (_name, entries) => {
    expect(verdict(...entries)).toBeUndefined();
  });

  it.each<[string, TarEntryLike[], string]>([
    ["an absolute path", [file("/etc/passwd")], "absolute path"],
    ["a Windows drive path", [file("C:/Windows/win.ini")], "absolute path"],
    ["a parent-directory path", [file("../x")], "'..'"],
    ["`..` in the middle", [file("etc/../../x")], "'..'"],
    ["a backslash `..`", [file("etc\\..\\..\\x")], "'..'"],
    ["a symlink to an absolute path", [symlink("etc/passwd", "/etc/passwd")], "absolute path"],
    ["a symlink that climbs out", [symlink("a/l", "../../outside")], "outside the target"],
    [
      "a file written through an earlier symlink",
      [symlink("l", "sub"), file("l/x")],
      "through the symlink l",
    ],
    [
      "a symlink resolved through an earlier symlink",
      [symlink("x/y/l1", "../.."), symlink("x/y/l2", "l1/../z")],
      "runs through the symlink x/y/l1",
    ],
    [
      "a symlink replacing an extracted folder",
      [dir("a"), file("a/f"), symlink("a", "b")],
      "replace an entry",
    ],
    ["a hardlink to an absolute path", [hardlink("a/shadow", "/etc/shadow")], "absolute path"],
    ["a hardlink that climbs out", [hardlink("a/x", "../x")], "outside the target"],
    ["a hardlink to something not in the archive", [hardlink("a/x", "etc/shadow")], "not a file earlier"],
    ["a hardlink through a symlink", [symlink("l", "."), hardlink("a/x", "l/f")], "not a file earlier"],
    ["a device node", [{ path: "dev/sda", type: "BlockDevice" }], "unsupported entry type BlockDevice"],
    ["a named pipe", [{ path: "run/fifo", type: "FIFO" }], "unsupported entry type FIFO"],
    ["a NUL byte in the path", [file("a\0b")], "NUL"],
  ])("refuses %s", (_name, entries, reason) => {
    expect(verdict(...entries)).toContain(reason);
  });

  it("keeps judging later entries after refusing one", () => {
    const safety = new EntrySafety();

    expect(safety.check(file("../evil"))).toBeDefined();
    expect(safety.check(file("etc/ok"))).toBeUndefined();
  });

  it("does not remember refused symlinks as extracted", () => {
    const safety = new EntrySafety();
    safety.check(symlink("l", "/etc"));

    expect(safety.check(file("l/passwd"))).toBeUndefined();
  });
});

describe("normaliseEntryPath", () => {
  it.each([
    ["./etc/hosts", "etc/hosts"],
    ["etc/nginx/", "etc/nginx"],
    ["./", ""],
    ["a//b/./c", "a/b/c"],
  ])("turns %j into %j", (input, output) => {
    expect(normaliseEntryPath(input)).toBe(output);
  });
});
