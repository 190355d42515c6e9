import { describe, expect, it } from "vitest";
import { clientKey } from "../../dashboard/http/client-address";

describe("clientKey", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:127.0.0.2", "127.0.0.2"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8:1:2::", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
    ["unknown", "unknown"],
  ])("counts %s as %s", (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it("puts two addresses of one /64 under one key and another /64 under another", () => {
    expect(clientKey("2001:db8:a:b::1")).toBe(clientKey("2001:db8:a:b:dead:beef:0:2"));
    expect(clientKey("2001:db8:a:b::1")).not.toBe(clientKey("2001:db8:a:c::1"));
  });
});
