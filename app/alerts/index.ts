export * from "./config";
export { type AlertCycleOptions, type AlertCycleReport, runAlertCycle } from "./cycle";
export { evaluateAlerts, type Observation, type RoutedEvent } from "./engine";
export { activeWindow, upcomingWindows } from "./maintenance";
export {
  type AlertState,
  AlertStateError,
  CHECKS_ALERT_STATE_KEY,
  emptyAlertState,
  hostAlertStateKey,
  type Incident,
  openIncidents,
  readAlertScopes,
  readAlertState,
  type Suppression,
} from "./state";
