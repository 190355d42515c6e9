/**
 * The opsdeck policy pack served the way `pulumi preview --policy-pack infra/policy` serves it: Pulumi's
 * run-policy-pack host (TypeScript through ts-node, cwd = the pack), spoken to over the analyzer gRPC
 * protocol the engine uses. Only the engine is missing, and these helpers play its part.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

// biome-ignore lint/suspicious/noExplicitAny: the generated gRPC stubs ship without usable typings for require().
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as any;
// biome-ignore lint/suspicious/noExplicitAny: as above.
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb") as any;

const ROOT = path.resolve(__dirname, "../..");

export interface AnalyzedResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  propertyDependencies?: Record<string, readonly string[]>;
}

export interface Diagnostic {
  policy: string;
  message: string;
  mandatory: boolean;
  urn: string;
}

export interface PolicyAnalyzer {
  info(): Promise<{ name: string; policies: { name: string; mandatory: boolean }[] }>;
  analyze(resource: AnalyzedResource): Promise<Diagnostic[]>;
  analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]>;
  close(): void;
}

const MANDATORY = 1;

/** Starts the pack in its own process and connects to it. */
export async function startPolicyAnalyzer(): Promise<PolicyAnalyzer> {
  const runner = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
  // The first argument is the engine's address; the pack only dials it to log, which these tests do not need.
  const child: ChildProcess = spawn(process.execPath, [runner, "--pwd", "infra/policy", "127.0.0.1:1", "."], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (chunk) => resolve(String(chunk).trim()));
    child.once("exit", (code) => reject(new Error(`the policy pack exited (${code}): ${stderr}`)));
  });
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: grpc.ServiceError | null, response: T) =>
        error ? reject(error) : resolve(response),
      ),
    );

  return {
    async info() {
      const info = await call<{
        getName(): string;
        getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[];
      }>("getAnalyzerInfo", new Empty());
      return {
        name: info.getName(),
        policies: info
          .getPoliciesList()
          .map((p) => ({ name: p.getName(), mandatory: p.getEnforcementlevel() === MANDATORY })),
      };
    },
    async analyze(resource) {
      const request = new analyzerPb.AnalyzeRequest();
      request.setType(resource.type);
      request.setUrn(resource.urn);
      request.setName(resource.name);
      request.setProperties(Struct.fromJavaScript(jsonValue(resource.props)));
      request.setOptions(new analyzerPb.AnalyzerResourceOptions());
      return diagnostics(await call("analyze", request));
    },
    async analyzeStack(resources) {
      const request = new analyzerPb.AnalyzeStackRequest();
      request.setResourcesList(
        resources.map((resource) => {
          const entry = new analyzerPb.AnalyzerResource();
          entry.setType(resource.type);
          entry.setUrn(resource.urn);
          entry.setName(resource.name);
          entry.setProperties(Struct.fromJavaScript(jsonValue(resource.props)));
          entry.setOptions(new analyzerPb.AnalyzerResourceOptions());
          const map = entry.getPropertydependenciesMap();
          for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            const dependencies = new analyzerPb.AnalyzerPropertyDependencies();
            dependencies.setUrnsList([...urns]);
            map.set(property, dependencies);
          }
          return entry;
        }),
      );
      return diagnostics(await call("analyzeStack", request));
    },
    close() {
      child.kill();
    },
  };
}

function jsonValue(props: Record<string, unknown>): Record<string, never> {
  return JSON.parse(JSON.stringify(props));
}

function diagnostics(response: {
  getDiagnosticsList(): {
    getPolicyname(): string;
    getMessage(): string;
    getEnforcementlevel(): number;
    getUrn(): string;
  }[];
}): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    message: d.getMessage(),
    mandatory: d.getEnforcementlevel() === MANDATORY,
    urn: d.getUrn(),
  }));
}
