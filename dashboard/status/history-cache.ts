import type { HistoryEntry } from "../../app/history/entry";
import { readCheckHistory } from "../../app/history/read";
import type { Store } from "../../app/storage/store";
import { RefreshingValue } from "../cache/refreshing";
import type { Snapshot } from "../cache/snapshot";

/** A check's raw results over the last day, as its history page and the default API range show them. */
export interface RecentHistory {
  checkId: string;
  from: string;
  to: string;
  entries: HistoryEntry[];
}

export interface HistoryCacheOptions {
  ttlMs: number;
  maxStaleMs: number;
  now: () => Date;
  hours?: number;
  onError?: (error: unknown) => void;
}

/**
 * One refreshing snapshot per check id. Callers pass only configured ids, so the map is bounded by
 * the config and cannot be grown by requests.
 */
export class RecentHistoryCache {
  private readonly values = new Map<string, RefreshingValue<RecentHistory>>();

  constructor(
    private readonly store: Store,
    private readonly options: HistoryCacheOptions,
  ) {}

  get(checkId: string): Promise<Snapshot<RecentHistory>> {
    let value = this.values.get(checkId);
    if (!value) {
      value = new RefreshingValue(() => this.load(checkId), {
        ttlMs: this.options.ttlMs,
        maxStaleMs: this.options.maxStaleMs,
        now: () => this.options.now().getTime(),
        ...(this.options.onError ? { onError: this.options.onError } : {}),
      });
      this.values.set(checkId, value);
    }
    return value.get();
  }

  invalidate(): void {
    for (const value of this.values.values()) value.invalidate();
  }

  private async load(checkId: string): Promise<RecentHistory> {
    const to = this.options.now();
    const from = new Date(to.getTime() - (this.options.hours ?? 24) * 3_600_000);
    const entries = await readCheckHistory(this.store, checkId, { from, to });
    return { checkId, from: from.toISOString(), to: to.toISOString(), entries };
  }
}
