import type { ServerRole } from "./server-roles";

export interface UserDataInput {
  /** The configured server name (`web01`); shown on the web page. */
  server: string;
  role: ServerRole;
  /** The port PostgreSQL listens on (db role). */
  dbPort: number;
  /** Network allowed to authenticate to the database (the VPC CIDR); the security group narrows it to web. */
  clientCidr: string;
  /** Shell steps appended after the role's own, e.g. installing and starting the opsdeck agent. */
  extraSteps?: readonly string[];
}

/**
 * The first-boot script of an Amazon Linux 2023 instance, per role. cloud-init runs it once, as root.
 * Web servers install nginx and serve a page naming the host; db servers run PostgreSQL on `dbPort`.
 */
export function renderUserData(input: UserDataInput): string {
  const roleSteps = input.role === "web" ? webSteps(input.server) : dbSteps(input);
  return [
    "#!/bin/bash",
    `# opsdeck first boot for ${input.server} (role: ${input.role})`,
    "set -euo pipefail",
    "",
    ...roleSteps,
    ...(input.extraSteps ?? []).flatMap((step) => ["", step]),
    "",
  ].join("\n");
}

function webSteps(server: string): string[] {
  const name = escapeHtml(server);
  return [
    "dnf install -y nginx",
    // Quoted heredoc: the shell expands nothing inside the page.
    "cat > /usr/share/nginx/html/index.html <<'OPSDECK_PAGE'",
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${name}</title></head>`,
    `<body><h1>${name}</h1><p>Served by ${name}, managed by opsdeck.</p></body></html>`,
    "OPSDECK_PAGE",
    "systemctl enable --now nginx",
  ];
}

function dbSteps({ dbPort, clientCidr }: UserDataInput): string[] {
  return [
    "dnf install -y postgresql16-server",
    "postgresql-setup --initdb",
    "PGDATA=/var/lib/pgsql/data",
    // Later settings win in postgresql.conf, so appending overrides the defaults initdb wrote.
    `echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"`,
    `echo "port = ${dbPort}" >> "$PGDATA/postgresql.conf"`,
    // Password login from the VPC only; no role has a password until an operator sets one.
    `echo "host all all ${clientCidr} scram-sha-256" >> "$PGDATA/pg_hba.conf"`,
    "systemctl enable --now postgresql",
  ];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
