/**
 * The post-deploy smoke test: a POSIX shell script `@pulumi/command` runs where `pulumi up` runs. It
 * asks the dashboard's `/healthz` until it answers 200 with `"status":"ok"` within the per-request
 * timeout, and exits non-zero after the last attempt, which fails the update. Inputs arrive as environment variables, never spliced
 * into the script, so a URL cannot inject shell.
 */
export interface SmokeTestSettings {
  attempts: number;
  intervalSeconds: number;
  /** How long one request may take; a slower answer counts as a failed attempt. */
  timeoutSeconds: number;
  /** Set for an AWS_IAM function URL: requests are signed (SigV4) with the caller's AWS credentials. */
  signingRegion?: string;
}

export const SMOKE_TEST_SCRIPT = `set -eu
url="\${OPSDECK_SMOKE_URL%/}/healthz"
attempt=1
while :; do
  if [ -n "\${OPSDECK_SMOKE_SIGV4_REGION:-}" ]; then
    if [ -z "\${AWS_ACCESS_KEY_ID:-}" ] || [ -z "\${AWS_SECRET_ACCESS_KEY:-}" ]; then
      echo "opsdeck smoke test: an AWS_IAM function URL is signed with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment (e.g. eval \\"\\$(aws configure export-credentials --format env)\\")" >&2
      exit 1
    fi
    # Credentials go to curl on stdin, not on its command line where other processes could read them.
    body="$({ printf 'user = "%s:%s"\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
              if [ -n "\${AWS_SESSION_TOKEN:-}" ]; then printf 'header = "x-amz-security-token: %s"\\n' "$AWS_SESSION_TOKEN"; fi
            } | curl --silent --show-error --fail --max-time "$OPSDECK_SMOKE_TIMEOUT" --config - --aws-sigv4 "aws:amz:\${OPSDECK_SMOKE_SIGV4_REGION}:lambda" "$url" 2>&1)" && status=0 || status=$?
  else
    body="$(curl --silent --show-error --fail --max-time "$OPSDECK_SMOKE_TIMEOUT" "$url" 2>&1)" && status=0 || status=$?
  fi
  if [ "$status" -eq 0 ] && printf '%s' "$body" | grep -Eq '"status" *: *"ok"'; then
    echo "opsdeck smoke test: $url is healthy (attempt $attempt)"
    exit 0
  fi
  if [ "$attempt" -ge "$OPSDECK_SMOKE_ATTEMPTS" ]; then
    printf 'opsdeck smoke test: %s is not healthy after %s attempts: %.300s\\n' "$url" "$attempt" "$body" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$OPSDECK_SMOKE_INTERVAL"
done
`;

/** The environment the script reads (besides AWS credentials for a signed URL). */
export function smokeTestEnvironment(url: string, settings: SmokeTestSettings): Record<string, string> {
  const environment: Record<string, string> = {
    OPSDECK_SMOKE_URL: url,
    OPSDECK_SMOKE_ATTEMPTS: String(settings.attempts),
    OPSDECK_SMOKE_INTERVAL: String(settings.intervalSeconds),
    OPSDECK_SMOKE_TIMEOUT: String(settings.timeoutSeconds),
  };
  if (settings.signingRegion !== undefined) environment.OPSDECK_SMOKE_SIGV4_REGION = settings.signingRegion;
  return environment;
}
