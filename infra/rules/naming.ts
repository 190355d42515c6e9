/**
 * Logical names of resources. Physical names are derived from them by Pulumi's auto-naming, which
 * appends `-` and 7 random characters, so a name that has a hard AWS length limit must leave room.
 */

/** Pulumi appends "-xxxxxxx" when it auto-names a resource. */
const AUTONAME_SUFFIX_LENGTH = 8;

/** ALB and target-group names: at most 32 characters of letters, digits and hyphens. */
export const ELB_NAME_MAX_LENGTH = 32;
/** S3 bucket names: at most 63 lower-case characters. */
export const S3_BUCKET_NAME_MAX_LENGTH = 63;
/** IAM role names: at most 64 characters. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

/**
 * `<project>-<stack>` reduced to lower-case letters, digits and single hyphens, because several AWS names
 * (S3 buckets, load balancers) accept nothing else and stack names may contain `_`, `.` or capitals.
 */
export function namePrefix(project: string, stack: string): string {
  const cleaned = `${project}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned === "" ? "opsdeck" : cleaned;
}

/**
 * `<prefix>-<suffix>` shortened so that, once auto-named, it still fits `maxLength`.
 * The prefix is cut (never the suffix), so names stay recognisable by what they are.
 */
export function boundedName(prefix: string, suffix: string, maxLength: number): string {
  const room = maxLength - AUTONAME_SUFFIX_LENGTH - suffix.length - 1;
  if (room < 1) throw new Error(`name suffix "${suffix}" leaves no room within ${maxLength} characters`);
  const head = prefix.slice(0, room).replace(/-+$/, "");
  return `${head}-${suffix}`;
}
