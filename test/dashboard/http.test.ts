import { describe, expect, it } from "vitest";
import { cachedBody, etagMatches } from "../../dashboard/http/cached-response";

describe("cached bodies and ETags", () => {
  it("derives the ETag from the content, so equal bodies share it", () => {
    const a = cachedBody("<p>same</p>", "text/html", {});
    const b = cachedBody("<p>same</p>", "text/html", { "x-other": "1" });
    const c = cachedBody("<p>other</p>", "text/html", {});

    expect(a.etag).toBe(b.etag);
    expect(a.etag).not.toBe(c.etag);
    expect(a.headers).toMatchObject({ "content-type": "text/html", "content-length": "11", etag: a.etag });
    expect(a.notModifiedHeaders).not.toHaveProperty("content-length");
  });

  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ["*", true],
    ['"abcd"', false],
    ["", false],
  ])("matches If-None-Match %s: %s", (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });
});
