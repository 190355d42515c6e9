import { readFile, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { generate } from "selfsigned";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type CheckResult,
  CheckRunner,
  checkDefaultsSchema,
  checkSchema,
  runChecksOnce,
  targetOf,
} from "../../../app/checks";
import { closedPort, type LoopbackServer, startHttpServer, startHttpsServer } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";

const fixtures = path.resolve(__dirname, "../../fixtures/monitoring/kubernetes");
const TOKEN = "opsdeck-test-token-3f9a";
const tempDir = useTempDirs("opsdeck-kubernetes-check");

interface SeenRequest {
  method: string;
  path: string;
  labelSelector: string | null;
  authorization: string | undefined;
}

/**
 * A stand-in API server: GET /api/v1/namespaces/<ns>/pods answers the PodList fixture named by the
 * namespace; "forbidden" answers 403 with the API server's Status object; "hang" never answers and
 * records when the client gives up; a wrong token gets 401; any other path 404.
 */
let api: LoopbackServer;
const seen: SeenRequest[] = [];
let hungRequestClosed: Promise<void>;
let onHungClosed: () => void = () => {};

beforeAll(async () => {
  api = await startHttpServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://api");
    seen.push({
      method: req.method ?? "",
      path: url.pathname,
      labelSelector: url.searchParams.get("labelSelector"),
      authorization: req.headers.authorization,
    });
    const status = (code: number, reason: string, message: string) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message,
          reason,
          code,
        }),
      );
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(401, "Unauthorized", "Unauthorized");
    const ns = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname)?.[1];
    if (ns === undefined) return status(404, "NotFound", "the server could not find the requested resource");
    if (ns === "forbidden")
      return status(
        403,
        "Forbidden",
        'pods is forbidden: User "system:serviceaccount:ops:opsdeck" cannot list resource "pods" in API group "" in the namespace "forbidden"',
      );
    if (ns === "not-a-podlist") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ kind: "Table", apiVersion: "meta.k8s.io/v1", rows: [] }));
    }
    if (ns === "hang") {
      req.socket.once("close", () => onHungClosed());
      return;
    }
    readFile(path.join(fixtures, `${ns}.json`), "utf8").then(
      (body) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(body);
      },
      () => status(500, "InternalError", `no fixture for namespace ${ns}`),
    );
  });
});
afterAll(async () => {
  await api.close();
});
afterEach(() => {
  seen.length = 0;
  vi.unstubAllEnvs();
});

/** A kubeconfig like `kubectl config view --raw` writes, with token auth, pointing at the loopback server. */
async function kubeconfig(options: { token?: string; server?: string } = {}): Promise<string> {
  const file = path.join(await tempDir(), "kubeconfig");
  const offline = `http://127.0.0.1:${await closedPort()}`;
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters:
  - name: loopback
    cluster:
      server: ${options.server ?? api.url}
      insecure-skip-tls-verify: true
  - name: offline
    cluster:
      server: ${offline}
      insecure-skip-tls-verify: true
users:
  - name: opsdeck
    user:
      token: ${options.token ?? TOKEN}
contexts:
  - name: loopback
    context: { cluster: loopback, user: opsdeck, namespace: shop }
  - name: offline
    context: { cluster: offline, user: opsdeck }
current-context: loopback
preferences: {}
`,
  );
  return file;
}

async function run(check: Record<string, unknown>, timeoutMs = 5_000): Promise<CheckResult> {
  const parsed = checkSchema.parse({ id: "pods", type: "kubernetes", ...check });
  const [result] = await runChecksOnce([parsed], checkDefaultsSchema.parse({ retries: 0, timeoutMs }));
  if (!result) throw new Error("the check was cancelled");
  return result;
}

describe("kubernetes check against a loopback API server", () => {
  it("is up when every matching pod is ready, sending the label selector and the bearer token", async () => {
    const file = await kubeconfig();

    const result = await run({
      kubeconfig: file,
      namespace: "healthy",
      labelSelector: "app=web,tier!=cache",
    });

    expect(result).toMatchObject({
      type: "kubernetes",
      status: "up",
      message: "2 of 2 pods ready in namespace healthy matching app=web,tier!=cache",
    });
    expect(seen).toEqual([
      {
        method: "GET",
        path: "/api/v1/namespaces/healthy/pods",
        labelSelector: "app=web,tier!=cache",
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
  });

  it("is down naming the crash-looping pod and container", async () => {
    const result = await run({ kubeconfig: await kubeconfig(), namespace: "crashloop" });

    expect(result.status).toBe("down");
    expect(result.message).toBe("1 of 2 pods unhealthy: web-6d4b8c7f9d-p5lnc/app CrashLoopBackOff");
    expect(seen[0]?.labelSelector).toBeNull();
  });

  it("is down when no pod matches", async () => {
    const result = await run({
      kubeconfig: await kubeconfig(),
      namespace: "empty",
      labelSelector: "app=web",
    });

    expect(result).toMatchObject({ status: "down", message: "no pods in namespace empty matching app=web" });
  });

  it("reports 403 with the API server's message and the RBAC it needs", async () => {
    const result = await run({ kubeconfig: await kubeconfig(), namespace: "forbidden" });

    expect(result).toMatchObject({ status: "down", statusCode: 403 });
    expect(result.message).toBe(
      'API server answered 403 Forbidden: pods is forbidden: User "system:serviceaccount:ops:opsdeck" cannot list resource "pods" in API group "" in the namespace "forbidden"; the identity needs get and list on pods in namespace forbidden',
    );
  });

  it("reports 401 naming the kubeconfig, without the token", async () => {
    const file = await kubeconfig({ token: "expired-token-71c2" });

    const result = await run({ kubeconfig: file, namespace: "healthy" });

    expect(result).toMatchObject({ status: "down", statusCode: 401 });
    expect(result.message).toBe(
      `API server ${api.url} answered 401 Unauthorized: its credentials (${file}) were rejected or have expired`,
    );
    expect(JSON.stringify(result)).not.toContain("expired-token-71c2");
  });

  it("reports 404 when the server is not a Kubernetes API server", async () => {
    const result = await run({ kubeconfig: await kubeconfig({ server: `${api.url}/not-kubernetes` }) });

    expect(result).toMatchObject({ status: "down", statusCode: 404 });
    expect(result.message).toContain("is http://127.0.0.1:");
    expect(seen[0]?.path).toBe("/not-kubernetes/api/v1/namespaces/default/pods");
  });

  it("is down when a 200 answer is not a PodList, rather than reading it as no pods", async () => {
    const result = await run({ kubeconfig: await kubeconfig(), namespace: "not-a-podlist" });

    expect(result).toMatchObject({
      status: "down",
      message: `API server ${api.url} answered, but not with a PodList (kind: Table)`,
    });
  });

  it("times out, aborting the request so its connection is closed", async () => {
    hungRequestClosed = new Promise((resolve) => {
      onHungClosed = resolve;
    });
    const began = performance.now();

    const result = await run({ kubeconfig: await kubeconfig(), namespace: "hang" }, 300);

    expect(result).toMatchObject({ status: "down", message: "timed out after 300 ms" });
    expect(performance.now() - began).toBeLessThan(3_000);
    const closed = await Promise.race([hungRequestClosed.then(() => "closed"), delay(2_000, "still open")]);
    expect(closed).toBe("closed");
  });

  it("reports an API server that refuses connections as unreachable", async () => {
    const result = await run({ kubeconfig: await kubeconfig(), context: "offline" });

    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^cannot reach the API server http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
  });
});

describe("kubernetes check credentials", () => {
  it("uses the context it names", async () => {
    const result = await run({ kubeconfig: await kubeconfig(), context: "loopback", namespace: "healthy" });

    expect(result.status).toBe("up");
  });

  it("names a context the kubeconfig does not have, and the ones it has", async () => {
    const file = await kubeconfig();

    const result = await run({ kubeconfig: file, context: "prod" });

    expect(result).toMatchObject({
      status: "down",
      message: `context: "prod" is not in ${file} (it has: loopback, offline)`,
    });
    expect(seen).toEqual([]);
  });

  it("names a kubeconfig file that cannot be read", async () => {
    const missing = path.join(await tempDir(), "nope.yaml");

    const result = await run({ kubeconfig: missing });

    expect(result.status).toBe("down");
    expect(result.message).toMatch(new RegExp(`^kubeconfig: cannot load ${missing}: .*ENOENT`));
  });

  it("reports an exec credential plugin that fails as a credentials problem, not an unreachable server", async () => {
    const file = await kubeconfig();
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        `token: ${TOKEN}`,
        "exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: /bin/false, interactiveMode: Never }",
      ),
    );

    const result = await run({ kubeconfig: file, namespace: "healthy" });

    expect(result.status).toBe("down");
    expect(result.message).toBe(
      "credential plugin /bin/false failed: it exited with an error and printed nothing",
    );
    expect(seen).toEqual([]);
  });

  it("falls back to $KUBECONFIG like kubectl", async () => {
    vi.stubEnv("KUBECONFIG", await kubeconfig());

    const result = await run({ namespace: "healthy" });

    expect(result.status).toBe("up");
  });

  it("says so when there is no kubeconfig at all instead of trying localhost:8080", async () => {
    vi.stubEnv("KUBECONFIG", "");
    vi.stubEnv("HOME", await tempDir());
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");

    const result = await run({ namespace: "healthy" });

    expect(result).toMatchObject({
      status: "down",
      message:
        "no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not in a cluster: set kubeconfig, or inCluster: true",
    });
  });

  it("refuses inCluster outside a pod", async () => {
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");

    const result = await run({ inCluster: true });

    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^inCluster: KUBERNETES_SERVICE_HOST\/PORT are not set/);
  });
});

describe("kubernetes check kubeconfig cache", () => {
  it("reuses a loaded kubeconfig for kubeConfigCacheMs, then reads the file again", async () => {
    const file = await kubeconfig();
    let now = Date.parse("2026-12-06T21:00:00Z");
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0 }), {
      now: () => new Date(now),
      kubeConfigCacheMs: 60_000,
    });
    const check = checkSchema.parse({
      id: "pods",
      type: "kubernetes",
      kubeconfig: file,
      namespace: "healthy",
    });
    try {
      const first = await runner.run(check);
      await writeFile(file, (await readFile(file, "utf8")).replace(TOKEN, "rotated-token"));
      const cached = await runner.run(check);
      now += 60_000;
      const reloaded = await runner.run(check);

      expect([first.status, cached.status, reloaded.status]).toEqual(["up", "up", "down"]);
      expect(seen.map((r) => r.authorization)).toEqual([
        `Bearer ${TOKEN}`,
        `Bearer ${TOKEN}`,
        "Bearer rotated-token",
      ]);
    } finally {
      await runner.close();
    }
  });
});

describe("kubernetes check breaker", () => {
  it("keys the target by credentials source and context, whatever the namespace", () => {
    const targets = [
      { id: "a", type: "kubernetes", namespace: "shop" },
      {
        id: "b",
        type: "kubernetes",
        kubeconfig: "/etc/opsdeck/kubeconfig",
        context: "prod",
        namespace: "web",
      },
      { id: "c", type: "kubernetes", inCluster: true },
    ].map((c) => targetOf(checkSchema.parse(c)));

    expect(targets).toEqual([
      "kubernetes:default",
      "kubernetes:/etc/opsdeck/kubeconfig@prod",
      "kubernetes:in-cluster",
    ]);
  });

  it("opens for every check on a cluster whose API server does not answer, but not for a 403", async () => {
    const file = await kubeconfig();
    const checks = [
      { id: "a", context: "offline", namespace: "shop" },
      { id: "b", context: "offline", namespace: "web" },
      { id: "c", namespace: "forbidden" },
      { id: "d", namespace: "forbidden" },
    ].map((c) => checkSchema.parse({ type: "kubernetes", kubeconfig: file, ...c }));
    const defaults = checkDefaultsSchema.parse({ retries: 0, concurrency: 1, breaker: { failures: 1 } });

    const results = await runChecksOnce(checks, defaults);

    expect(results.map((r) => [r.checkId, r.message.split(":")[0]])).toEqual([
      ["a", "cannot reach the API server http"],
      ["b", "circuit open"],
      ["c", "API server answered 403 Forbidden"],
      ["d", "API server answered 403 Forbidden"],
    ]);
  });
});

describe("kubernetes check over TLS", () => {
  /** A self-signed certificate for 127.0.0.1, standing in for a cluster CA. */
  function certificate() {
    return generate([{ name: "commonName", value: "kube-apiserver" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
  }

  async function tlsKubeconfig(server: string, caPem: string): Promise<string> {
    const file = path.join(await tempDir(), "kubeconfig");
    const ca = Buffer.from(caPem).toString("base64");
    await writeFile(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{ name: tls, cluster: { server: "${server}", certificate-authority-data: ${ca} } }]`,
        `users: [{ name: ops, user: { token: ${TOKEN} } }]`,
        "contexts: [{ name: tls, context: { cluster: tls, user: ops } }]",
        "current-context: tls",
        "",
      ].join("\n"),
    );
    return file;
  }

  it("trusts the API server through the kubeconfig's certificate-authority-data, and only that", async () => {
    const [serving, other] = await Promise.all([certificate(), certificate()]);
    const pods = await readFile(path.join(fixtures, "healthy.json"));
    const tls = await startHttpsServer({ key: serving.private, cert: serving.cert }, (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(pods);
    });
    try {
      const trusted = await run({ kubeconfig: await tlsKubeconfig(tls.url, serving.cert) });
      const untrusted = await run({ kubeconfig: await tlsKubeconfig(tls.url, other.cert) });

      expect(trusted.status).toBe("up");
      expect(untrusted.status).toBe("down");
      expect(untrusted.message).toBe(
        `API server ${tls.url}: certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); check the kubeconfig's certificate-authority(-data)`,
      );
    } finally {
      await tls.close();
    }
  });
});
