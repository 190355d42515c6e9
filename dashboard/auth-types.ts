/** Who is looking: anyone (public checks only) or an authenticated operator (everything). */
export type Viewer = "public" | "operator";
