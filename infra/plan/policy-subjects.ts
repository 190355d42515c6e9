import type { PolicySubject } from "../policy/rules";
import type { RecordedResource } from "./mock-runtime";

/** Recorded resources as policies see them: their declared inputs and where each input came from. */
export function policySubjects(resources: readonly RecordedResource[]): PolicySubject[] {
  return resources.map((resource) => ({
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: resource.inputs,
    propertyDependencies: resource.propertyDependencies,
  }));
}
