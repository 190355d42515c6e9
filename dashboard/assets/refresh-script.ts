/**
 * The page's only script, served from /assets/ so the CSP can say `script-src 'self'`. Every
 * `data-refresh` seconds it fetches the page's fragment (the <main> content) and swaps it in place:
 * no full reload, no flash, scroll position kept. It sends the last ETag, so an unchanged
 * snapshot costs a 304. Failures (offline, 5xx) are ignored until the next tick.
 */
export const REFRESH_SCRIPT = `(function () {
  "use strict";
  var main = document.querySelector("main[data-fragment]");
  if (!main) return;
  var seconds = Number(main.getAttribute("data-refresh") || "0");
  if (!(seconds > 0)) return;
  var etag = main.getAttribute("data-etag");
  function schedule() { window.setTimeout(tick, seconds * 1000); }
  function tick() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(main.getAttribute("data-fragment"), { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (res) {
        if (res.status !== 200) return;
        etag = res.headers.get("ETag");
        return res.text().then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          main.replaceChildren.apply(main, Array.prototype.slice.call(doc.body.childNodes));
          main.setAttribute("data-refreshed-at", new Date().toISOString());
        });
      })
      .catch(function () {})
      .then(schedule);
  }
  schedule();
})();
`;
