export * from "./config";
export type { AlertEvent } from "./event";
export {
  createNotifier,
  createNotifiers,
  escapeSlack,
  type Notifier,
  type NotifierDeps,
  slackPayload,
  webhookPayload,
} from "./notifiers";
export { type DeliveryOutcome, sendAlert } from "./send";
