import { hostname } from "node:os";
import { version } from "../../package.json";

/** Recorded in every manifest, so an archive says which opsdeck wrote it. */
export const OPSDECK_VERSION: string = version;

/** The host name backups are filed under when the config does not set one: the OS host name, lower-cased. */
export function defaultBackupHost(): string {
  return hostname().toLowerCase();
}
