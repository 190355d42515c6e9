import {
  ExponentialBackoff,
  handleAll,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import type { Logger } from "../lib/logger";
import type { AlertEvent } from "./event";
import type { Notifier } from "./notifiers";

export interface DeliveryOutcome {
  notifier: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

/**
 * Sends one event through the named notifiers (all when `names` is empty), each with its own
 * timeout and retries with backoff. Never throws: failures come back as outcomes and are logged
 * by notifier name (never by URL).
 */
export async function sendAlert(
  notifiers: readonly Notifier[],
  event: AlertEvent,
  options: { names?: readonly string[]; logger: Logger },
): Promise<DeliveryOutcome[]> {
  const chosen =
    options.names && options.names.length > 0
      ? notifiers.filter((n) => options.names?.includes(n.name))
      : notifiers;
  return Promise.all(chosen.map((notifier) => deliver(notifier, event, options.logger)));
}

async function deliver(notifier: Notifier, event: AlertEvent, logger: Logger): Promise<DeliveryOutcome> {
  let attempts = 0;
  const policy = wrap(
    retry(handleAll, {
      maxAttempts: notifier.retries,
      backoff: new ExponentialBackoff({ initialDelay: notifier.retryDelayMs, maxDelay: 30_000 }),
    }),
    timeout(notifier.timeoutMs, TimeoutStrategy.Aggressive),
  );
  try {
    await policy.execute(({ signal }) => {
      attempts++;
      return notifier.send(event, signal);
    });
    return { notifier: notifier.name, ok: true, attempts };
  } catch (error) {
    const message = error instanceof TaskCancelledError ? "timed out" : (error as Error).message;
    logger.error(
      { notifier: notifier.name, subject: event.subject, kind: event.kind, attempts, error: message },
      "alert notification failed",
    );
    return { notifier: notifier.name, ok: false, attempts, error: message };
  }
}
