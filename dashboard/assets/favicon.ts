/** A small SVG icon (a green status dot), so browsers do not ask for a missing /favicon.ico. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1f9d55"/></svg>';
