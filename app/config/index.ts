export * from "./load";
export * from "./schema";
export type { Env } from "./secrets";
