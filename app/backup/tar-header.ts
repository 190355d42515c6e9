/**
 * The ustar header of an ordinary entry, written straight into the chunk: the bytes node-tar's
 * `Header.encode` writes for the same fields (test/app/backup/tar-header.test.ts checks that on
 * generated entries), without the octal strings, padding arrays and field objects it allocates for
 * each one (~130 MiB of garbage on a 26k-file tree, a third of what a backup allocated).
 *
 * Ordinary means every field fits the classic layout: an ASCII path under 100 bytes, an ASCII
 * link target and user name that fit, numbers within their octal fields. Anything else (long or
 * non-ASCII names, huge sizes, dates before 1970) returns false, and the caller encodes it with
 * node-tar and a PAX extended header.
 */

export type UstarType = "0" | "1" | "2" | "5";

export interface UstarFields {
  /** Directories end in `/`, as node-tar writes them. */
  path: string;
  linkpath: string | undefined;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch; the fraction is dropped, as node-tar drops it. */
  mtime: number;
  atime: number;
  ctime: number;
  type: UstarType;
  uname: string;
}

const BLOCK = 512;
const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;
const ZERO = 0x30;
const SPACE = 0x20;
const USTAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00, 0x30, 0x30]; // "ustar\0" "00"

function isAsciiWithin(text: string, maxLength: number): boolean {
  if (text.length > maxLength) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Octal digits, NUL-terminated; as node-tar pads: size-2 digits and a space unless it needs size-1. */
function writeOctal(buf: Buffer, off: number, size: number, value: number): void {
  let n = Math.floor(value);
  const digits = n >= 8 ** (size - 2) ? size - 1 : size - 2;
  for (let i = digits - 1; i >= 0; i--) {
    buf[off + i] = ZERO + (n % 8);
    n = Math.floor(n / 8);
  }
  if (digits === size - 2) buf[off + digits] = SPACE;
  buf[off + size - 1] = 0;
}

/**
 * Writes the header into `buf` at `off` (512 bytes, which must be zero) and returns true, or
 * returns false without writing when the entry is not ordinary.
 */
export function encodeUstarHeader(buf: Buffer, off: number, f: UstarFields): boolean {
  if (
    !isAsciiWithin(f.path, 99) ||
    !(f.linkpath === undefined || isAsciiWithin(f.linkpath, 100)) ||
    !isAsciiWithin(f.uname, 32) ||
    !inRange(f.mode, MAX_OCTAL_8) ||
    !inRange(f.uid, MAX_OCTAL_8) ||
    !inRange(f.gid, MAX_OCTAL_8) ||
    !inRange(f.size, MAX_OCTAL_12) ||
    !inRange(f.mtime, MAX_OCTAL_12) ||
    !inRange(f.atime, MAX_OCTAL_12) ||
    !inRange(f.ctime, MAX_OCTAL_12)
  ) {
    return false;
  }
  buf.write(f.path, off, 100, "latin1");
  writeOctal(buf, off + 100, 8, f.mode);
  writeOctal(buf, off + 108, 8, f.uid);
  writeOctal(buf, off + 116, 8, f.gid);
  writeOctal(buf, off + 124, 12, f.size);
  writeOctal(buf, off + 136, 12, f.mtime);
  buf[off + 156] = f.type.charCodeAt(0);
  if (f.linkpath !== undefined) buf.write(f.linkpath, off + 157, 100, "latin1");
  for (let i = 0; i < USTAR_MAGIC.length; i++) buf[off + 257 + i] = USTAR_MAGIC[i] as number;
  buf.write(f.uname, off + 265, 32, "latin1");
  // devmajor, devminor: node-tar writes zeros.
  writeOctal(buf, off + 329, 8, 0);
  writeOctal(buf, off + 337, 8, 0);
  // No prefix (the path fits); atime and ctime where node-tar puts them when it has them.
  writeOctal(buf, off + 476, 12, f.atime);
  writeOctal(buf, off + 488, 12, f.ctime);
  // The checksum counts its own field as spaces.
  let sum = 8 * SPACE;
  for (let i = off; i < off + 148; i++) sum += buf[i] as number;
  for (let i = off + 156; i < off + BLOCK; i++) sum += buf[i] as number;
  writeOctal(buf, off + 148, 8, sum);
  return true;
}

function inRange(value: number, max: number): boolean {
  return value >= 0 && value <= max;
}
