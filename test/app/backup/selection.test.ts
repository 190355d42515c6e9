import { describe, expect, it } from "vitest";
import { createPathFilter, SelectionError } from "../../../app/backup/selection";

describe("createPathFilter", () => {
  it("archives everything without include or exclude", () => {
    const filter = createPathFilter();
    expect(filter("etc/hosts", false)).toBe(true);
    expect(filter("etc", true)).toBe(true);
  });

  it("leaves out excluded files, hidden ones included", () => {
    const filter = createPathFilter({ exclude: ["**/*.key", "**/*.tmp"] });
    expect(filter("etc/ssl/server.key", false)).toBe(false);
    expect(filter("home/u/.ssh/id.key", false)).toBe(false);
    expect(filter("var/www/x.tmp", false)).toBe(false);
    expect(filter("etc/ssl/server.crt", false)).toBe(true);
  });

  it("prunes excluded folders whether the pattern names the folder or its contents", () => {
    const filter = createPathFilter({ exclude: ["**/node_modules/**", "var/cache", "**/.git/"] });
    expect(filter("srv/app/node_modules", true)).toBe(false);
    expect(filter("var/cache", true)).toBe(false);
    expect(filter("srv/app/.git", true)).toBe(false);
    expect(filter("srv/app/src", true)).toBe(true);
  });

  it("keeps only included files but still walks every folder", () => {
    const filter = createPathFilter({ include: ["etc/nginx/**", "**/*.conf"] });
    expect(filter("etc/nginx/mime.types", false)).toBe(true);
    expect(filter("etc/app/app.conf", false)).toBe(true);
    expect(filter("etc/passwd", false)).toBe(false);
    expect(filter("var", true)).toBe(true);
  });

  it("lets exclude win over include", () => {
    const filter = createPathFilter({ include: ["etc/**"], exclude: ["etc/secret/**"] });
    expect(filter("etc/secret/token", false)).toBe(false);
  });

  it("accepts patterns written with a leading slash", () => {
    expect(createPathFilter({ exclude: ["/etc/shadow"] })("etc/shadow", false)).toBe(false);
  });

  it("names the bad pattern", () => {
    expect(() => createPathFilter({ exclude: ["ok", " "] })).toThrow(SelectionError);
    expect(() => createPathFilter({ exclude: ["ok", " "] })).toThrow(/^exclude\[1\]: empty pattern/);
  });
});
