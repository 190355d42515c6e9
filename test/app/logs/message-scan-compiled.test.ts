import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs } from "../../../app/logs";
import { ChunkScanner, createMessageScan, type MessageScan } from "../../../app/logs/message-scan";
import { isEmbeddedCurrent, messageScan } from "../../../scripts/build-wasm";
import { seededRandom } from "../../support/log-generator";
import { referenceScanMessage } from "../../support/message-scan-reference";
import { useTempDirs } from "../../support/temp-dir";

/** The compiled scan (app/logs/wasm/message-scan.as.ts) held to the byte-at-a-time JavaScript one. */

type Found = Pick<MessageScan, "hasIpv4" | "ipv4"> & { key: string };

function compiled(scanner: ChunkScanner, buf: Uint8Array, start = 0, end = buf.length): Found {
  const out = createMessageScan();
  scanner.scanMessage(buf, start, end, out);
  return { key: `${out.key1}:${out.key2}`, hasIpv4: out.hasIpv4, ipv4: out.hasIpv4 ? out.ipv4 : 0 };
}

function reference(buf: Uint8Array): Found {
  const out = createMessageScan();
  referenceScanMessage(buf, 0, buf.length, out);
  return { key: `${out.key1}:${out.key2}`, hasIpv4: out.hasIpv4, ipv4: out.hasIpv4 ? out.ipv4 : 0 };
}

/** Pieces that exercise every byte class, addresses good and bad, and tokens of every length. */
function randomMessages(seed: number, count: number): Buffer[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number) => Math.floor(random() * max);
  const word = () => {
    const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
    let text = "";
    for (let i = 1 + int(pick([4, 9, 20, 80])); i > 0; i--) text += letters[int(letters.length)];
    return text;
  };
  const numberish = () =>
    pick([`${int(100000)}`, `${word()}${int(99)}`, `${int(9)}.${int(9)}`, `0x${int(1e6)}`]);
  const address = () =>
    pick([
      `${int(256)}.${int(256)}.${int(256)}.${int(256)}`,
      `${int(256)}.${int(256)}.${int(256)}.${int(256)}:${int(65536)}`,
      `${int(256)}.${int(256)}.${int(256)}.${int(256)}.`,
      `${int(999)}.${int(999)}.${int(999)}.${int(999)}`,
      `${int(9)}.${int(9)}.${int(9)}`,
      `${int(9)}.${int(9)}.${int(9)}.${int(9)}.${int(9)}`,
      `a${int(9)}.${int(9)}.${int(9)}.${int(9)}`,
      `${int(9999)}.${int(256)}.${int(256)}.${int(256)}`,
      `${int(256)}.${int(256)}.${int(256)}.${int(9999)}`,
      `${int(9)}:${int(9)}.${int(9)}.${int(9)}.${int(9)}`,
      `${int(9)}..${int(9)}.${int(9)}.${int(9)}`,
      `${int(256)}.${int(256)}.${int(256)}.${int(256)}:${int(65536)}:${word()}`,
      `${word()}:${int(256)}.${int(256)}.${int(256)}.${int(256)}`,
      `::ffff:${int(256)}.${int(256)}.${int(256)}.${int(256)}`,
      `${int(256)}.${int(256)}.${int(256)}:${int(256)}.${int(256)}`,
    ]);
  const separator = () => pick([" ", " ", " ", "=", "/", '"', "[", "]", ",", "\t", "  ", "\x01", "é"]);
  const messages: Buffer[] = [];
  for (let m = 0; m < count; m++) {
    const parts: string[] = [];
    for (let i = int(40); i > 0; i--) {
      parts.push(pick([word, word, numberish, address])(), separator());
    }
    if (random() < 0.5) parts.pop();
    messages.push(Buffer.from(parts.join(""), "latin1"));
  }
  return messages;
}

/** The same message with every digit-bearing token replaced by another: it must keep its group. */
function withOtherNumbers(message: Buffer, random: () => number): Buffer {
  const text = message.toString("latin1");
  return Buffer.from(
    text.replace(/[A-Za-z0-9_.:\x80-\xff-]+/g, (token) =>
      /\d/.test(token) ? `${Math.floor(random() * 10 ** (1 + Math.floor(random() * 12)))}` : token,
    ),
    "latin1",
  );
}

describe("compiled message scan", () => {
  const scanner = new ChunkScanner();

  it("groups random messages exactly as the JavaScript scan did, and finds the same addresses", () => {
    const random = seededRandom(7);
    const messages = randomMessages(1, 4000).flatMap((m) => [m, withOtherNumbers(m, random)]);
    const byReference = new Map<string, string>();
    const byCompiled = new Map<string, string>();
    let merged = 0;
    for (const message of messages) {
      const expected = reference(message);
      const actual = compiled(scanner, message);
      expect({ hasIpv4: actual.hasIpv4, ipv4: actual.ipv4 }, message.toString("latin1")).toEqual({
        hasIpv4: expected.hasIpv4,
        ipv4: expected.ipv4,
      });
      // One compiled key per reference key and back: the same partition into groups.
      if (byReference.has(expected.key)) merged++;
      expect(byReference.get(expected.key) ?? actual.key, message.toString("latin1")).toBe(actual.key);
      expect(byCompiled.get(actual.key) ?? expected.key, message.toString("latin1")).toBe(expected.key);
      byReference.set(expected.key, actual.key);
      byCompiled.set(actual.key, expected.key);
    }
    // The pairs with other numbers did group (the check above is not vacuous)…
    expect(merged).toBeGreaterThan(3000);
    // …and distinct messages did not.
    expect(byReference.size).toBeGreaterThan(3000);
  });

  it("handles tokens and addresses that cross its 64-byte blocks", () => {
    const cases: string[] = [];
    for (let pad = 50; pad <= 135; pad++) {
      const lead = "x".repeat(pad);
      cases.push(
        `${lead} 10.1.2.3 tail`,
        `${lead}10.1.2.3`,
        `${lead} 10.1.2.3`,
        `${"a".repeat(pad)}7 end`,
        `${"a".repeat(pad)}`,
        `k ${"a".repeat(pad)} 256.1.1.1 9.9.9.9:80`,
        `${lead} ${"b".repeat(pad % 20)} 1.2.3 4.5.6.7.`,
        `${"z".repeat(pad)}  `,
      );
    }
    for (const text of cases) {
      const message = Buffer.from(text);
      const expected = reference(message);
      const actual = compiled(scanner, message);
      expect({ hasIpv4: actual.hasIpv4, ipv4: actual.ipv4 }, text).toEqual({
        hasIpv4: expected.hasIpv4,
        ipv4: expected.ipv4,
      });
    }
    // Long tokens are hashed whole: a difference in their last byte makes another group.
    for (const length of [7, 8, 9, 16, 17, 63, 64, 65, 130]) {
      const a = compiled(scanner, Buffer.from(`open ${"q".repeat(length)}A now`));
      const b = compiled(scanner, Buffer.from(`open ${"q".repeat(length)}B now`));
      expect(a.key, `token of ${length + 1} bytes`).not.toBe(b.key);
    }
    // A digit anywhere in a long token masks all of it.
    const masked = compiled(scanner, Buffer.from(`id ${"r".repeat(100)}5${"r".repeat(30)} done`));
    expect(masked.key).toBe(compiled(scanner, Buffer.from("id 1 done")).key);
    // Empty tokens count: a doubled separator is another message.
    expect(compiled(scanner, Buffer.from("a  b")).key).not.toBe(compiled(scanner, Buffer.from("a b")).key);
    expect(compiled(scanner, Buffer.from("")).hasIpv4).toBe(false);
    // Bytes left after a message by a longer one are not read as part of it.
    compiled(scanner, Buffer.from(`x 1.2.3.4${"5".repeat(40)}`));
    expect(compiled(scanner, Buffer.from("x 1.2.3.4")).ipv4).toBe(0x01020304);
    compiled(scanner, Buffer.from("9.9.9.9 1.2.3.4.5"));
    expect(compiled(scanner, Buffer.from("9.9.9")).hasIpv4).toBe(false);
  });

  it("reads a loaded chunk in place and other buffers through its scratch area, alike", () => {
    const lines = randomMessages(3, 300);
    const chunk = Buffer.concat(lines.flatMap((line) => [line, Buffer.from("\n")]));
    const fresh = new ChunkScanner();
    fresh.load(chunk);
    let at = 0;
    for (const line of lines) {
      const inPlace = compiled(fresh, chunk, at, at + line.length);
      expect(inPlace).toEqual(compiled(fresh, Buffer.from(line)));
      at += line.length + 1;
    }
  });

  it("finds every line break of a chunk, past its buffer's capacity and after its memory grew", () => {
    const fresh = new ChunkScanner();
    const small = Buffer.from("one\ntwo\n");
    fresh.load(small);
    expect([fresh.findLineEnds(0, small.length), fresh.lineEnd(0), fresh.lineEnd(1)]).toEqual([2, 3, 7]);
    const before = compiled(fresh, small, 0, 3);
    // 40 000 lines of varying length in 2.5 MB: more breaks than one call returns, more bytes
    // than the memory held.
    const lengths = Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 120);
    const big = Buffer.from(lengths.map((n) => `${"y".repeat(n)}\n`).join(""));
    fresh.load(big);
    const found: number[] = [];
    let from = 0;
    for (;;) {
      const count = fresh.findLineEnds(from, big.length);
      for (let k = 0; k < count; k++) found.push(from + fresh.lineEnd(k));
      if (count < fresh.lineEndsCapacity) break;
      from = (found.at(-1) as number) + 1;
    }
    let end = -1;
    expect(found).toEqual(lengths.map((n) => (end += n + 1)));
    // The small chunk is no longer loaded: its bytes go through the scratch area, same result.
    expect(compiled(fresh, small, 0, 3)).toEqual(before);
  });

  it("finds no line break at or past the end of the range, whatever its length", () => {
    const fresh = new ChunkScanner();
    const breaks = Buffer.alloc(300, 10);
    fresh.load(breaks);
    for (let from = 0; from < 3; from++) {
      for (let to = from; to <= 200; to++) {
        const count = fresh.findLineEnds(from, to);
        expect(count).toBe(to - from);
        if (count > 0) expect(fresh.lineEnd(count - 1)).toBe(to - from - 1);
      }
    }
  });
});

describe("analysis through the compiled scan", () => {
  const tempDir = useTempDirs();

  it("counts every line of a chunk with more lines than one line-break call returns", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "many.log");
    // 100 000 lines in one 1 MiB chunk, the last without a line break.
    const body = Array.from({ length: 100_000 }, (_, i) => `l${i % 10}`).join("\n");
    await writeFile(file, body);
    const analysis = await analyzeLogs(file, { workers: 1 });
    expect(analysis.lines.lines).toBe(100_000);
    expect(analysis.lines.bytes).toBe(body.length);
  });
});

describe("the embedded module", () => {
  it("is what message-scan.as.ts compiles to", async () => {
    expect(await isEmbeddedCurrent(messageScan), "run npm run build:wasm").toBe(true);
  });
});
