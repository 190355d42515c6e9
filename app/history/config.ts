import { z } from "zod";
import { positiveInt } from "../config/fields";

export const historyConfigSchema = z.strictObject({
  /** Days of per-check history kept; older daily files are deleted by compaction. */
  retentionDays: positiveInt.max(3_650).default(90),
});

export type HistoryConfig = z.output<typeof historyConfigSchema>;
