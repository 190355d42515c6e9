import { z } from "zod";
import { positiveInt } from "../config/fields";

/**
 * A systemd unit name. A leading dash is refused so a unit can never be read by systemctl as an
 * option (`--now`, `-H host`): the argv goes to execFile without a shell, so options are the only
 * injection left.
 */
const unitName = z
  .string({ error: "expected a systemd unit name" })
  .regex(/^[A-Za-z0-9_.:@\\][A-Za-z0-9_.:@\\-]{0,255}$/, {
    error: "expected a systemd unit name (letters, digits, _ . : @ \\ and -, not starting with -)",
  });

/**
 * What a check does about its own failures: restart a systemd unit or run a command (an argv, never
 * through a shell), after `afterFailures` consecutive failed rounds, at most `maxAttempts` times per
 * `windowMs`, with `cooldownMs` between attempts.
 */
export const remediationSchema = z
  .strictObject({
    /** `systemctl restart <restartUnit>`. */
    restartUnit: unitName.optional(),
    /** A program and its arguments, run with execFile. */
    command: z
      .array(z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty argument" }), {
        error: 'expected an argv array such as ["/usr/local/bin/restart-web", "--fast"]',
      })
      .min(1, { error: "expected at least the program to run" })
      .optional(),
    afterFailures: positiveInt.max(1_000).default(3),
    cooldownMs: positiveInt.default(300_000),
    maxAttempts: positiveInt.max(100).default(3),
    windowMs: positiveInt.default(3_600_000),
    /** The command is killed after this long and the attempt counts as failed. */
    timeoutMs: positiveInt.max(600_000).default(60_000),
  })
  .superRefine((r, ctx) => {
    if ((r.restartUnit === undefined) === (r.command === undefined))
      ctx.addIssue({ code: "custom", message: "expected exactly one of restartUnit or command" });
    if (r.cooldownMs > r.windowMs)
      ctx.addIssue({
        code: "custom",
        path: ["cooldownMs"],
        message: "expected at most windowMs (a longer cooldown makes maxAttempts meaningless)",
      });
  });

export type RemediationConfig = z.output<typeof remediationSchema>;

/** The argv an attempt runs (pure). */
export function remediationArgv(config: RemediationConfig): [string, ...string[]] {
  if (config.restartUnit !== undefined) return ["systemctl", "restart", config.restartUnit];
  const [program, ...args] = config.command ?? [];
  if (program === undefined) throw new Error("remediation has neither restartUnit nor command");
  return [program, ...args];
}

/** How an attempt is shown: the unit, or the program's name only (arguments may hold tokens). */
export function remediationLabel(config: RemediationConfig): string {
  if (config.restartUnit !== undefined) return `restart ${config.restartUnit}`;
  return `run ${config.command?.[0] ?? "?"}`;
}
