import fc from "fast-check";
import { Header } from "tar/header";
import { describe, expect, it } from "vitest";
import { encodeUstarHeader, type UstarFields, type UstarType } from "../../../app/backup/tar-header";

const TYPE_NAMES = { "0": "File", "1": "Link", "2": "SymbolicLink", "5": "Directory" } as const;

/** What node-tar's Header writes for the same fields, and whether it asks for a PAX header. */
function nodeTar(f: UstarFields): { block: Buffer; needsPax: boolean } {
  const block = Buffer.alloc(512);
  const needsPax = new Header({
    path: f.path,
    linkpath: f.linkpath,
    mode: f.mode,
    uid: f.uid,
    gid: f.gid,
    size: f.size,
    mtime: new Date(f.mtime * 1000),
    atime: new Date(f.atime * 1000),
    ctime: new Date(f.ctime * 1000),
    type: TYPE_NAMES[f.type],
    uname: f.uname,
  }).encode(block, 0);
  return { block, needsPax };
}

function ours(f: UstarFields): Buffer | undefined {
  const block = Buffer.alloc(512);
  return encodeUstarHeader(block, 0, f) ? block : undefined;
}

const asciiName = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789._-/ "),
  minLength: 1,
});
const anyName = fc.oneof(asciiName, fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }));
const edge = (max: number) =>
  fc.oneof(
    fc.integer({ min: 0, max }),
    fc.constantFrom(0, 7, 8, 63, 64, max, max + 1, 8 ** 6 - 1, 8 ** 6, -1),
  );
const seconds = fc.oneof(
  fc.double({ min: 0, max: 0o77777777777, noNaN: true }),
  fc.constantFrom(0, 1_764_000_000.999, 0o77777777777, 0o77777777777 + 1, -1),
);
const fields = (name: fc.Arbitrary<string>): fc.Arbitrary<UstarFields> =>
  fc.record({
    path: name,
    linkpath: fc.option(name, { nil: undefined }),
    mode: edge(0o7777777),
    uid: edge(0o7777777),
    gid: edge(0o7777777),
    size: edge(0o77777777777),
    mtime: seconds,
    atime: seconds,
    ctime: seconds,
    type: fc.constantFrom<UstarType>("0", "1", "2", "5"),
    uname: fc.oneof(fc.constant(""), fc.constant("root"), name),
  });

describe("encodeUstarHeader", () => {
  it("writes the bytes node-tar writes for every entry it takes, and takes none node-tar needs PAX for", () => {
    fc.assert(
      fc.property(fields(anyName), (f) => {
        const block = ours(f);
        if (!block) return;
        const reference = nodeTar(f);
        expect(reference.needsPax).toBe(false);
        expect(block.equals(reference.block)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes every ordinary entry: short ASCII names, numbers within their fields", () => {
    fc.assert(
      fc.property(
        fields(asciiName.filter((n) => n.length < 100)).filter(
          (f) =>
            f.uname.length <= 32 &&
            [f.mode, f.uid, f.gid].every((n) => n >= 0 && n <= 0o7777777) &&
            [f.size, f.mtime, f.atime, f.ctime].every((n) => n >= 0 && n <= 0o77777777777),
        ),
        (f) => {
          expect(ours(f)?.equals(nodeTar(f).block)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["a 100-byte path (node-tar moves it into the prefix field)", { path: "p".repeat(100) }],
    ["a non-ASCII path", { path: "café/naïve.txt" }],
    ["a size beyond 8 GiB", { size: 0o77777777777 + 1 }],
    ["a date before 1970", { mtime: -1 }],
    ["a 33-byte user name", { uname: "u".repeat(33) }],
  ])("leaves %s to node-tar", (_what, change) => {
    const common: UstarFields = {
      path: "etc/nginx/nginx.conf",
      linkpath: undefined,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 1234,
      mtime: 1_764_000_000,
      atime: 1_764_000_000,
      ctime: 1_764_000_000,
      type: "0",
      uname: "root",
    };
    const block = Buffer.alloc(512);

    expect(encodeUstarHeader(block, 0, common)).toBe(true);
    expect(encodeUstarHeader(Buffer.alloc(512), 0, { ...common, ...change })).toBe(false);
  });
});
