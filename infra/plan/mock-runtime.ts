/**
 * Pulumi's mock runtime, set up the way opsdeck's tests and the offline plan need it: stack config, a
 * record of every registered resource (type, name, inputs, parent, dependencies, which inputs are
 * secret), answers for data sources, and a failure for any call nobody expected.
 *
 * The answers are supplied by the caller: the tests answer with fixed, known values; the offline plan
 * answers with nothing, so every value only the cloud could know stays unknown (`preview: true`).
 */
import * as pulumi from "@pulumi/pulumi";

// biome-ignore lint/suspicious/noExplicitAny: resource inputs are untyped JSON-like values by nature.
export type Inputs = Record<string, any>;

export interface RecordedResource {
  urn: string;
  /** Type token, e.g. `aws:s3/bucket:Bucket` or `opsdeck:storage:BackupBucket`. */
  type: string;
  /** Logical name. */
  name: string;
  /** Inputs with secrets unwrapped; unknown values (preview) are `pulumi.unknown`. */
  inputs: Inputs;
  /** Dotted paths of inputs that were Pulumi secrets (`environment.variables.OPSDECK_DASHBOARD_TOKEN`). */
  secretPaths: string[];
  /** The id the mocks answered with (what dependants receive as `.id`). */
  id: string;
  /** The state the mocks answered with: inputs plus computed outputs such as `arn`. */
  outputs: Inputs;
  /** URN of the parent resource (the stack itself for top-level components). */
  parent: string | undefined;
  /** False for component resources. */
  custom: boolean;
  /** Provider reference (`<urn>::<id>`) for resources given an explicit provider. */
  provider: string | undefined;
  ignoreChanges: string[];
  /** URNs from `dependsOn` (and parent dependencies). */
  dependencies: string[];
  /** For each input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
}

export interface RecordedCall {
  token: string;
  inputs: Inputs;
}

/** How the mocks answer the program. */
export interface MockAnswers {
  /** The provider's answer for a new resource: its id and state (missing outputs stay unknown in preview). */
  resource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult;
  /** A data source's result, or undefined when the mocks do not know the token (recorded as unexpected). */
  call(token: string, inputs: Inputs): Record<string, unknown> | undefined;
}

export interface MockRuntimeOptions {
  project: string;
  stack: string;
  /** Stack config by full key (`opsdeck:servers`); non-string values are stored as JSON text, as Pulumi does. */
  config: Record<string, unknown>;
  /** Full keys whose values were set with `--secret`. */
  secretKeys: readonly string[];
  /** True runs the program as `pulumi preview` does: values nobody answered are unknown. */
  preview: boolean;
  answers: MockAnswers;
}

export interface MockSession {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  /** Data-source tokens the program called that have no answer. */
  readonly unexpectedCalls: string[];
  /** Waits until every registration has reached the mocks; fails if an unexpected call happened. */
  settle(): Promise<void>;
  ofType(type: string): RecordedResource[];
  /** The only resource of `type` (optionally with `name`); throws if there is not exactly one. */
  one(type: string, name?: string): RecordedResource;
  byUrn(urn: string): RecordedResource | undefined;
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
}

/** The signature key the SDK wraps secret values in when it serializes them. */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** True for a value the program does not know yet (an unknown output during preview). */
export function isUnknownValue(value: unknown): boolean {
  return pulumi.isUnknown(value);
}

/** Installs the mocks and the stack config. Call before building the program. */
export async function installMockRuntime(options: MockRuntimeOptions): Promise<MockSession> {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  const unexpectedCalls: string[] = [];

  const configText = Object.fromEntries(
    Object.entries(options.config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  pulumi.runtime.setAllConfig(configText, [...options.secretKeys]);

  // The registration request currently being handed to `newResource` (see the monitor wrapper below).
  let pending: MonitorRequest | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const request = pending;
        pending = undefined;
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Inputs;
        const result = options.answers.resource({ ...args, inputs });
        const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${args.type}::${args.name}`;
        resources.push({
          urn: request === undefined ? urn : qualifiedUrn(request),
          type: args.type,
          name: args.name,
          inputs,
          secretPaths,
          id: result.id ?? "",
          outputs: result.state,
          parent: request?.getParent() || undefined,
          custom: args.custom ?? true,
          provider: args.provider || undefined,
          ignoreChanges: request?.getIgnorechangesList() ?? [],
          dependencies: request?.getDependenciesList() ?? [],
          propertyDependencies: request === undefined ? {} : propertyDependenciesOf(request),
        });
        return result;
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        const answer = options.answers.call(args.token, args.inputs);
        if (answer === undefined) {
          unexpectedCalls.push(args.token);
          throw new Error(`unexpected data-source call ${args.token}(${JSON.stringify(args.inputs)})`);
        }
        return answer;
      },
    },
    options.project,
    options.stack,
    options.preview,
  );

  // `newResource` is not told the parent or the resource options, but the monitor's request carries
  // them. The monitor calls `newResource` synchronously at the start of `registerResource`, so the
  // request stashed here is the one `newResource` is handling.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: MonitorRequest, callback: unknown): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    pending = request;
    return register(request, callback);
  };

  return {
    resources,
    calls,
    unexpectedCalls,
    async settle() {
      await waitForRegistrations();
      if (unexpectedCalls.length > 0)
        throw new Error(
          `the program made data-source calls the mocks do not answer: ${unexpectedCalls.join(", ")}`,
        );
    },
    ofType: (type) => resources.filter((resource) => resource.type === type),
    one(type, name) {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1)
        throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
      return found[0] as RecordedResource;
    },
    byUrn: (urn) => resources.find((resource) => resource.urn === urn),
  };
}

/**
 * The mock monitor hands `newResource` inputs with secrets still in their wire form. Unwrap them so
 * policies and tests read plain values, and remember where they were so the plan can redact them.
 */
function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
  if (Array.isArray(value))
    return value.map((item, index) => unwrapSecrets(item, `${path}[${index}]`, secretPaths));
  if (typeof value !== "object" || value === null || isUnknownValue(value)) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE) {
    secretPaths.push(path === "" ? "(root)" : path);
    return unwrapSecrets(record.value, path, []);
  }
  return Object.fromEntries(
    Object.entries(record).map(([key, inner]) => [
      key,
      unwrapSecrets(inner, path === "" ? key : `${path}.${key}`, secretPaths),
    ]),
  );
}

function propertyDependenciesOf(request: MonitorRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((value, key) => {
    out[key] = value.getUrnsList();
  });
  return out;
}

/** The URN the mock monitor gives a resource (its `newUrn`): the parent's own type, then this type and name. */
function qualifiedUrn(request: MonitorRequest): string {
  let type = request.getType();
  const parent = request.getParent();
  if (parent) {
    const parentType = parent.split("::")[2]?.split("$").pop();
    if (parentType) type = `${parentType}$${type}`;
  }
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${request.getName()}`;
}

/**
 * The SDK tracks every outstanding resource registration (and the invokes feeding it); its internal
 * `waitForRPCs` resolves when that queue has drained, which is exactly "the program has finished".
 */
async function waitForRegistrations(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  if (typeof settings.waitForRPCs !== "function")
    throw new Error("@pulumi/pulumi no longer exposes runtime/settings.waitForRPCs; update the mock runtime");
  await settings.waitForRPCs();
}
