/** The exit codes of `opsdeck`, documented in docs/cli.md. Scripts may rely on them. */
export const EXIT = {
  /** Done; everything checked was healthy. */
  ok: 0,
  /** An unexpected error (a bug, or a failure opsdeck does not know how to explain). */
  internal: 1,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** Invalid config or input: the message names each bad field. */
  invalid: 3,
  /** A named file, backup or object does not exist. */
  notFound: 4,
  /** The operation failed: a backup, restore, rotation or store write did not complete. */
  failed: 5,
  /** The command ran, and what it checked is unhealthy: a check is down, a backup does not verify or is stale. */
  unhealthy: 6,
  /** Stopped by SIGINT/SIGTERM before finishing. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
