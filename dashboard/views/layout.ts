import { type Html, html } from "./html";

export type Section = "status" | "fleet";

export interface PageOptions {
  title: string;
  /** The site title in the header. */
  site: string;
  section: Section;
  main: Html;
  /** Where the refresh script fetches this page's <main> content; its ETag now. */
  fragment: { url: string; etag: string };
  refreshSeconds: number;
  footer: Html | string;
}

/** The page shell: no inline script or style (CSP), one stylesheet and one deferred script from /assets/. */
export function page(options: PageOptions): Html {
  const link = (s: Section, href: string, text: string) =>
    s === options.section
      ? html`<a href="${href}" aria-current="page">${text}</a>`
      : html`<a href="${href}">${text}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/refresh.js" defer></script>
</head>
<body>
<header class="top"><h1>${options.site}</h1><nav>${link("status", "/", "Status")}${link("fleet", "/fleet", "Fleet")}</nav></header>
<main id="live" data-fragment="${options.fragment.url}" data-etag="${options.fragment.etag}" data-refresh="${options.refreshSeconds}">${options.main}</main>
<footer>${options.footer}</footer>
</body>
</html>
`;
}
