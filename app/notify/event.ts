/** What notifiers deliver: an alert opening, resolving, reminding, or an ad-hoc alert from another part. */
export interface AlertEvent {
  kind: "opened" | "resolved" | "reminder" | "adhoc";
  /** What the alert is about: `check:web`, `host:web01:disk:/var`, `backup:web01`. */
  subject: string;
  severity: "warning" | "critical";
  /** One line for people: "Web is down". */
  title: string;
  message: string;
  /** ISO time of the event. */
  at: string;
  /** ISO time the alert opened (for resolved notices and reminders). */
  openedAt?: string;
  /** Who raised it: `checks`, `agent:web01`, `backups`. */
  source?: string;
}
