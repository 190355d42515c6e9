import { describe, expect, it } from "vitest";
import { createMessageScan, ipv4ToString, maskedMessage, scanMessage } from "../../../app/logs/message-scan";

function scan(text: string) {
  const buf = Buffer.from(text);
  const out = createMessageScan();
  scanMessage(buf, 0, buf.length, out);
  return {
    ...out,
    ip: out.hasIpv4 ? ipv4ToString(out.ipv4) : null,
    masked: maskedMessage(buf, 0, buf.length),
  };
}

describe("message grouping", () => {
  it("groups messages that differ only in numbers and ids", () => {
    const a = scan("user 17 timed out after 3021 ms (req 8f3a2c1e-77aa)");
    const b = scan("user 9 timed out after 15 ms (req 0b1c2d3e-99ff)");
    expect([a.key1, a.key2]).toEqual([b.key1, b.key2]);
    expect(a.masked).toBe("user <*> timed out after <*> ms (req <*>)");
  });

  it("keeps messages apart that differ in a word or in punctuation", () => {
    const base = scan("disk full on /dev/sda1");
    expect(scan("disk slow on /dev/sda1").key1).not.toBe(base.key1);
    expect(scan("disk full on /dev-sda1").key1).not.toBe(base.key1);
  });

  it("keeps messages apart whose number-bearing tokens sit in different places", () => {
    expect(scan("took 5 ms").key1).not.toBe(scan("took ms 5").key1);
    expect(scan("a 1").key2).not.toBe(scan("a 1 b").key2);
  });
});

describe("client IP search", () => {
  it.each([
    ["Failed password from 203.0.113.7 port 22", "203.0.113.7"],
    ["upstream 10.0.0.5:8080 slow", "10.0.0.5"],
    ["connection from 192.168.1.20.", "192.168.1.20"],
    ["client=198.51.100.23 ok", "198.51.100.23"],
    ["[172.16.0.1] says hi; later 10.1.1.1", "172.16.0.1"],
    ["255.255.255.255 broadcast", "255.255.255.255"],
    ["version 1.2.3 then 256.1.1.1 then 1.2.3.4.5", null],
    ["id 12345.6.7.8 and a1.2.3.4", null],
    ["1234.5.6.7 is no address", null],
    ["v 1.2.3 then 10.9.8.7", "10.9.8.7"],
    // HDFS: the datanode's address fused to the message by colons.
    ["10.251.30.6:50010:Got exception while serving blk_1 to /10.251.90.64:", "10.251.30.6"],
    ["::ffff:192.0.2.9 mapped", "192.0.2.9"],
    ["at 10:20:30.123 then db01:10.0.0.7", "10.0.0.7"],
    ["1.2.3.4a:5.6.7.8 and 1.2.3.4.5:9", "5.6.7.8"],
  ])("finds the first address in %j", (text, ip) => {
    expect(scan(text).ip).toBe(ip);
  });
});
