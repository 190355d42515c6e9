import { html as honoHtml } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** Markup whose text parts are already escaped. */
export type Html = HtmlEscapedString;

/**
 * hono's `html` template: every interpolated string is escaped (`& < > " '`), nested templates and
 * arrays of them are inserted as markup. Our templates never interpolate promises, so the result
 * is always synchronous; this wrapper makes that a checked fact instead of a cast at every call.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = honoHtml(strings, ...values);
  if (out instanceof Promise) throw new Error("a view interpolated a promise; views must be synchronous");
  return out;
}

/** The markup as a plain string, for a response body. */
export function toText(markup: Html): string {
  return markup.toString();
}
