import type { Logger } from "../lib/logger";
import type { NotifierConfig, SlackNotifierConfig, WebhookNotifierConfig } from "./config";
import type { AlertEvent } from "./event";

/** A delivery channel. `send` rejects when the event was not delivered. */
export interface Notifier {
  readonly name: string;
  readonly type: NotifierConfig["type"];
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly timeoutMs: number;
  send(event: AlertEvent, signal: AbortSignal): Promise<void>;
}

export interface NotifierDeps {
  fetch?: typeof fetch;
  logger: Logger;
}

/** Slack mrkdwn needs &, < and > escaped; anything else in titles and messages is shown as text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const ICONS: Record<AlertEvent["kind"], string> = {
  opened: ":red_circle:",
  reminder: ":bell:",
  resolved: ":large_green_circle:",
  adhoc: ":warning:",
};

/** The Slack incoming-webhook payload for an event (pure, for tests and previews). */
export function slackPayload(event: AlertEvent): { text: string } {
  const label =
    event.kind === "opened" || event.kind === "adhoc"
      ? event.severity.toUpperCase()
      : event.kind.toUpperCase();
  const since = event.openedAt && event.kind !== "opened" ? ` (since ${event.openedAt})` : "";
  return {
    text: `${ICONS[event.kind]} *[${label}] ${escapeSlack(event.title)}*${since}\n${escapeSlack(event.message)}`,
  };
}

/** The generic webhook body: a versioned envelope around the event. */
export function webhookPayload(event: AlertEvent): { version: 1; event: AlertEvent } {
  return { version: 1, event };
}

/**
 * Posts JSON to a secret URL. Errors name the notifier and the HTTP status only: the URL (which
 * carries the secret) never reaches an error message or a log line.
 */
async function postJson(
  fetchImpl: typeof fetch,
  config: SlackNotifierConfig | WebhookNotifierConfig,
  body: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const url = config.url;
  if (!url) throw new Error(`notifier ${config.name} has no URL (urlEnv not resolved)`);
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new Error(`notifier ${config.name}: request failed (${cause?.code ?? (error as Error).name})`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`notifier ${config.name}: endpoint answered ${response.status}`);
}

export function createNotifier(config: NotifierConfig, deps: NotifierDeps): Notifier {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  switch (config.type) {
    case "slack":
      return {
        name: config.name,
        type: config.type,
        retries: config.retries,
        retryDelayMs: config.retryDelayMs,
        timeoutMs: config.timeoutMs,
        send: (event, signal) => postJson(fetchImpl, config, slackPayload(event), {}, signal),
      };
    case "webhook":
      return {
        name: config.name,
        type: config.type,
        retries: config.retries,
        retryDelayMs: config.retryDelayMs,
        timeoutMs: config.timeoutMs,
        send: (event, signal) => postJson(fetchImpl, config, webhookPayload(event), config.headers, signal),
      };
    case "log":
      return {
        name: config.name,
        type: config.type,
        retries: 0,
        retryDelayMs: 1,
        timeoutMs: 1_000,
        send: async (event) => {
          deps.logger[config.level]({ alert: event }, `${event.kind}: ${event.title}`);
        },
      };
  }
}

export function createNotifiers(configs: readonly NotifierConfig[], deps: NotifierDeps): Notifier[] {
  return configs.map((config) => createNotifier(config, deps));
}
