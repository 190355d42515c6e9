import type { MonitoringConfig } from "../../app/config/schema";
import type { Store } from "../../app/storage/store";
import type { Auth } from "../auth";
import type { RefreshingValue } from "../cache/refreshing";
import type { DashboardConfig } from "../config";
import type { DashboardState } from "../state";
import type { RecentHistoryCache } from "../status/history-cache";

/** What every route module needs, built once by createDashboard. */
export interface RouteDeps {
  config: MonitoringConfig;
  settings: DashboardConfig;
  store: Store;
  auth: Auth;
  state: RefreshingValue<DashboardState>;
  history: RecentHistoryCache;
  /** The security policy's headers as a record, for prebuilt responses. */
  securityHeaders: Record<string, string>;
  now: () => Date;
}
