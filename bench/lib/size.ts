/** Parses sizes like `1g`, `1GiB`, `256m`, `64MiB`, `100000` (binary units). */
export function parseSize(text: string, flag = "--size"): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new Error(`${flag}: expected a size such as 1GiB, 256m or 100000, got "${text}"`);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] as string).toLowerCase()] as number;
  return Math.round(Number(match[1]) * unit);
}

/** 1073741824 → "1 GiB", 67108864 → "64 MiB". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
