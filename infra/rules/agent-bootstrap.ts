/**
 * The first-boot steps that install the opsdeck agent on an Amazon Linux 2023 server (appended to the
 * role's user data through the fleet's `extraUserData`). They install Node.js 22, a system user and a
 * systemd service; the service fetches the bundle (the CLI's folder packed as a .tgz) and this
 * server's config from the bucket at every start, and a timer restarts it when either changed. So a new agent build or config reaches running
 * servers without touching user data, which would only stop and start an instance, never re-run it.
 */
import { AGENT_POINTER_KEY, agentConfigKey } from "./agent-artifacts";

export interface AgentBootstrapInput {
  /** The configured server name: the agent's host name in the store. */
  server: string;
  bucketName: string;
  region: string;
  /** The SecureString parameter holding the alert webhook, when one is configured. */
  webhookParameterName?: string;
  logLevel: string;
  /** How often the refresh timer looks for a new bundle or config. */
  refreshMinutes: number;
}

/** Where the pieces live on the server. */
export const AGENT_PATHS = {
  env: "/etc/opsdeck/agent.env",
  config: "/etc/opsdeck/opsdeck.json",
  pointer: "/etc/opsdeck/current.sha256",
  /** One folder per bundle, named by its sha256; `current` links to the one in use. */
  releases: "/opt/opsdeck/releases",
  current: "/opt/opsdeck/current",
  entry: "/opt/opsdeck/current/opsdeck.mjs",
  libexec: "/usr/local/libexec/opsdeck",
  state: "/var/lib/opsdeck",
  node: "/usr/bin/node-22",
} as const;

export const AGENT_SERVICE = "opsdeck-agent";

/** The shell steps, one string each, for `renderUserData`'s `extraSteps`. */
export function agentBootstrapSteps(input: AgentBootstrapInput): string[] {
  assertPlain("server", input.server);
  assertPlain("bucketName", input.bucketName);
  assertPlain("region", input.region);
  if (input.webhookParameterName !== undefined)
    assertPlain("webhookParameterName", input.webhookParameterName);
  assertPlain("logLevel", input.logLevel);

  const p = AGENT_PATHS;
  return [
    [
      "# opsdeck agent: Node.js 22 (AL2023 namespaces it as node-22), a system user, the service and its refresh timer.",
      "dnf install -y nodejs22",
      "id -u opsdeck >/dev/null 2>&1 || useradd --system --home-dir /var/lib/opsdeck --shell /sbin/nologin opsdeck",
      `install -d -m 0755 /opt/opsdeck ${p.releases} /etc/opsdeck ${p.libexec}`,
    ].join("\n"),
    file(p.env, "0644", environmentFile(input)),
    file(`${p.libexec}/fetch`, "0755", FETCH_SCRIPT),
    file(`${p.libexec}/run`, "0755", RUN_SCRIPT),
    file(`${p.libexec}/refresh`, "0755", REFRESH_SCRIPT),
    file(`/etc/systemd/system/${AGENT_SERVICE}.service`, "0644", SERVICE_UNIT),
    file(`/etc/systemd/system/${AGENT_SERVICE}-refresh.service`, "0644", REFRESH_UNIT),
    file(`/etc/systemd/system/${AGENT_SERVICE}-refresh.timer`, "0644", refreshTimer(input.refreshMinutes)),
    [
      "systemctl daemon-reload",
      `systemctl enable --now ${AGENT_SERVICE}.service ${AGENT_SERVICE}-refresh.timer`,
    ].join("\n"),
  ];
}

/** Values end up in a quoted heredoc and an EnvironmentFile; they must not carry quotes, spaces or newlines. */
function assertPlain(name: string, value: string): void {
  if (!/^[A-Za-z0-9._/-]+$/.test(value))
    throw new Error(`agent bootstrap: ${name} "${value}" may hold only letters, digits and . _ / -`);
}

/** A quoted heredoc: the shell expands nothing inside, so the file is written exactly as given. */
function file(path: string, mode: string, content: string): string {
  const body = content.endsWith("\n") ? content : `${content}\n`;
  return [`cat > ${path} <<'OPSDECK_FILE'`, `${body}OPSDECK_FILE`, `chmod ${mode} ${path}`].join("\n");
}

function environmentFile(input: AgentBootstrapInput): string {
  return [
    `OPSDECK_BUCKET=${input.bucketName}`,
    `OPSDECK_REGION=${input.region}`,
    `OPSDECK_HOST_NAME=${input.server}`,
    `OPSDECK_CONFIG_KEY=${agentConfigKey(input.server)}`,
    `OPSDECK_POINTER_KEY=${AGENT_POINTER_KEY}`,
    `OPSDECK_WEBHOOK_PARAMETER=${input.webhookParameterName ?? ""}`,
    `OPSDECK_LOG_LEVEL=${input.logLevel}`,
  ].join("\n");
}

/**
 * Runs as root before every start: fetch the pointer, the bundle it names (verified, then unpacked
 * into its own release folder, switched to in one rename) and this server's config. A fetch or
 * unpack that fails half-way leaves the release in use as it was.
 */
const FETCH_SCRIPT = `#!/bin/bash
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch() { aws s3 cp --quiet --region "$OPSDECK_REGION" "s3://$OPSDECK_BUCKET/$1" "$2"; }
releases=${AGENT_PATHS.releases}
current=${AGENT_PATHS.current}

fetch "$OPSDECK_POINTER_KEY" "$work/current.sha256"
read -r sha key < "$work/current.sha256"
case "$sha" in
  *[!0-9a-f]*|"") echo "opsdeck: unexpected sha256 in $OPSDECK_POINTER_KEY: $sha" >&2; exit 1 ;;
esac
case "$key" in
  artifacts/opsdeck-*.tgz) ;;
  *) echo "opsdeck: unexpected bundle key in $OPSDECK_POINTER_KEY: $key" >&2; exit 1 ;;
esac
release="$releases/$sha"
if [ ! -f "$release/opsdeck.mjs" ]; then
  fetch "$key" "$work/opsdeck.tgz"
  if ! echo "$sha  $work/opsdeck.tgz" | sha256sum --check --status; then
    echo "opsdeck: $key does not match its sha256 $sha" >&2
    exit 1
  fi
  rm -rf "$release.partial"
  mkdir -p "$release.partial"
  tar -xzf "$work/opsdeck.tgz" -C "$release.partial" --no-same-owner
  if [ ! -f "$release.partial/opsdeck.mjs" ]; then
    echo "opsdeck: $key holds no opsdeck.mjs" >&2
    exit 1
  fi
  chmod -R u=rwX,go=rX "$release.partial"
  mv -T "$release.partial" "$release"
fi
ln -sfn "$release" "$current.next"
mv -T "$current.next" "$current"
# The service is stopped while this runs: no process still uses an older release.
find "$releases" -mindepth 1 -maxdepth 1 ! -name "$sha" -exec rm -rf {} +
fetch "$OPSDECK_CONFIG_KEY" "$work/opsdeck.json"
install -m 0644 "$work/opsdeck.json" ${AGENT_PATHS.config}
install -m 0644 "$work/current.sha256" ${AGENT_PATHS.pointer}
`;

/**
 * The agent's V8 young generation, capped at 2 MiB semi-spaces. A long-running agent otherwise grows
 * them to V8's maximum, because the objects from its start (config, schemas) and from every log
 * poll count towards that growth. Measured on Node 20 (docs/benchmarks/backup.md): ~19 MiB less
 * resident while following 4,000 log lines a second, for ~0.4% of a core more collection. A 1 GiB
 * backup peaks 11 MiB lower (110 → 99 MiB), at the same speed.
 */
export const AGENT_NODE_FLAGS = "--max-semi-space-size=2";

/** Runs as the service user: read the webhook secret into the environment only, then become the agent. */
const RUN_SCRIPT = `#!/bin/bash
set -euo pipefail
if [ -n "\${OPSDECK_WEBHOOK_PARAMETER:-}" ]; then
  OPSDECK_ALERT_WEBHOOK_URL="$(aws ssm get-parameter --region "$OPSDECK_REGION" --name "$OPSDECK_WEBHOOK_PARAMETER" --with-decryption --query Parameter.Value --output text)"
  export OPSDECK_ALERT_WEBHOOK_URL
fi
exec ${AGENT_PATHS.node} ${AGENT_NODE_FLAGS} ${AGENT_PATHS.entry} agent --config ${AGENT_PATHS.config}
`;

/** Runs as root from the timer: restart the agent when the bundle pointer or the config changed. */
const REFRESH_SCRIPT = `#!/bin/bash
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch() { aws s3 cp --quiet --region "$OPSDECK_REGION" "s3://$OPSDECK_BUCKET/$1" "$2"; }
fetch "$OPSDECK_POINTER_KEY" "$work/current.sha256"
fetch "$OPSDECK_CONFIG_KEY" "$work/opsdeck.json"
if cmp -s "$work/current.sha256" ${AGENT_PATHS.pointer} && cmp -s "$work/opsdeck.json" ${AGENT_PATHS.config}; then
  exit 0
fi
echo "opsdeck: a new agent bundle or config is in the bucket; restarting ${AGENT_SERVICE}"
systemctl restart ${AGENT_SERVICE}.service
`;

const SERVICE_UNIT = `[Unit]
Description=opsdeck agent: metrics heartbeat, log follow and scheduled backups
Wants=network-online.target
After=network-online.target
# Keep retrying (e.g. while the bucket is unreachable at boot) instead of giving up after five starts.
StartLimitIntervalSec=0

[Service]
Type=simple
User=opsdeck
Group=opsdeck
EnvironmentFile=${AGENT_PATHS.env}
# "+": the fetch runs as root, outside the sandbox below, to install the bundle and the config.
ExecStartPre=+${AGENT_PATHS.libexec}/fetch
ExecStart=${AGENT_PATHS.libexec}/run
Restart=always
RestartSec=15
StateDirectory=opsdeck
# Backups and log follow read configured paths anywhere: read access to every file, and nothing more.
AmbientCapabilities=CAP_DAC_READ_SEARCH
CapabilityBoundingSet=CAP_DAC_READ_SEARCH
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
ReadWritePaths=${AGENT_PATHS.state}

[Install]
WantedBy=multi-user.target
`;

const REFRESH_UNIT = `[Unit]
Description=opsdeck agent: restart on a new bundle or config

[Service]
Type=oneshot
EnvironmentFile=${AGENT_PATHS.env}
ExecStart=${AGENT_PATHS.libexec}/refresh
`;

function refreshTimer(minutes: number): string {
  return `[Unit]
Description=opsdeck agent: look for a new bundle or config every ${minutes} minutes

[Timer]
OnBootSec=${minutes}min
OnUnitActiveSec=${minutes}min

[Install]
WantedBy=timers.target
`;
}
