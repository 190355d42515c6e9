/** What a server is for. The role decides its security group, its user data and whether the ALB targets it. */
export const serverRoles = ["web", "db"] as const;
export type ServerRole = (typeof serverRoles)[number];

/** The port web servers serve HTTP on (nginx's default); the load balancer forwards to it. */
export const WEB_PORT = 80;
