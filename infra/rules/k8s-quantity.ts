import { z } from "zod";

/**
 * Kubernetes resource quantities, limited to the forms Pod resources use: CPU in cores or millicores
 * (`0.5`, `500m`), memory in bytes with a decimal or binary suffix (`256Mi`, `1G`).
 */
const CPU = /^(\d+(\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;

const memoryFactors: Record<string, number> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

export const cpuQuantity = z.string().regex(CPU, "expected CPU as cores or millicores, e.g. 0.5 or 500m");
export const memoryQuantity = z.string().regex(MEMORY, "expected memory with a unit, e.g. 256Mi or 1Gi");

export function isQuantity(quantity: string, kind: "cpu" | "memory"): boolean {
  return (kind === "cpu" ? CPU : MEMORY).test(quantity);
}

/** The quantity as a number (cores, or bytes), so requests can be compared with limits. */
export function quantityValue(quantity: string, kind: "cpu" | "memory"): number {
  if (kind === "cpu") {
    const cpu = CPU.exec(quantity);
    if (cpu !== null) return Number(cpu[1]) / (cpu[3] === "m" ? 1000 : 1);
  } else {
    const memory = MEMORY.exec(quantity);
    if (memory !== null) return Number(memory[1]) * (memoryFactors[memory[3] ?? ""] ?? 1);
  }
  throw new Error(`not a ${kind} quantity: ${quantity}`);
}
