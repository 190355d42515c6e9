import { type CachedBody, cachedBody } from "../http/cached-response";
import { HTML } from "../http/content";
import { timestamp } from "../views/format";
import { type Html, html, toText } from "../views/html";
import { page, type Section } from "../views/layout";
import type { RouteDeps } from "./deps";

export interface PageBodyOptions {
  /** The page title before the site's; null for the site's front page. */
  title: string | null;
  section: Section;
  main: Html;
  /** Where the refresh script fetches `main` again. */
  fragmentUrl: string;
  /** The JSON twin of the page, linked from the footer. */
  jsonUrl: string;
  generatedAt: string;
  headers: Record<string, string>;
}

/** A page and its refresh fragment as prebuilt bodies: the fragment's ETag is the page's to watch. */
export function pageBodies(
  deps: RouteDeps,
  options: PageBodyOptions,
): { page: CachedBody; fragment: CachedBody } {
  const site = deps.settings.title;
  const fragment = cachedBody(toText(options.main), HTML, options.headers);
  const full = page({
    title: options.title === null ? site : `${options.title} · ${site}`,
    site,
    section: options.section,
    main: options.main,
    fragment: { url: options.fragmentUrl, etag: fragment.etag },
    refreshSeconds: deps.settings.refreshSeconds,
    footer: html`Generated ${timestamp(options.generatedAt)} · <a href="${options.jsonUrl}">JSON</a>`,
  });
  return { page: cachedBody(toText(full), HTML, options.headers), fragment };
}
