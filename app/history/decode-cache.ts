import { decodeEntries, type HistoryEntry } from "./entry";

interface DecodedObject {
  body: Buffer;
  entries: readonly HistoryEntry[];
  used: boolean;
}

/**
 * Decoded history objects kept between reads of the same store, so a long-lived reader (the
 * dashboard refreshes every few seconds) parses only what changed: an object with the same bytes
 * is not parsed again, and a daily file that only grew at its end (compaction appends newer
 * results) has only its new lines parsed. Re-parsing a day of results per check on every refresh
 * took tens of milliseconds of one thread, long enough to show in the server's tail latency.
 *
 * The entries handed out are shared between reads: callers must not modify them.
 */
export class HistoryDecodeCache {
  private readonly objects = new Map<string, DecodedObject>();

  /** The entries of the object at `key`, whose current content is `body`. */
  entries(key: string, body: Buffer): readonly HistoryEntry[] {
    const known = this.objects.get(key);
    let entries: readonly HistoryEntry[];
    if (known?.body.equals(body)) {
      entries = known.entries;
    } else if (known && grewAtEnd(known.body, body)) {
      const added = decodeEntries(body.toString("utf8", known.body.length)).entries;
      entries = known.entries.concat(added);
    } else {
      entries = decodeEntries(body.toString("utf8")).entries;
    }
    this.objects.set(key, { body, entries, used: true });
    return entries;
  }

  /** Forgets the objects not read since the previous sweep: memory stays at what one read uses. */
  sweep(): void {
    for (const [key, object] of this.objects) {
      if (object.used) object.used = false;
      else this.objects.delete(key);
    }
  }

  /** Objects held, for tests and diagnostics. */
  get size(): number {
    return this.objects.size;
  }
}

/** `body` is `before` followed by whole new lines. */
function grewAtEnd(before: Buffer, body: Buffer): boolean {
  const length = before.length;
  return (
    body.length > length &&
    (length === 0 || before[length - 1] === 0x0a) &&
    body.compare(before, 0, length, 0, length) === 0
  );
}
