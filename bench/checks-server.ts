/**
 * The checks benchmark's target service, in its own process so its work is not billed to the
 * runner: answers /p/<i> after the planned delay, with a 500 where planned, and sends its port
 * to the parent over IPC.
 *
 *   (forked by bench/checks.ts) checks-server.ts <count> <seed>
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { planAnswers } from "./checks-plan";

const plan = planAnswers(Number(process.argv[2]), Number(process.argv[3]));
const server = http.createServer((req, res) => {
  const step = plan[Number((req.url ?? "").split("/")[2])] ?? { delayMs: 0, fail: false };
  const answer = () => {
    res.statusCode = step.fail ? 500 : 200;
    res.end(step.fail ? "error" : "ok");
  };
  if (step.delayMs > 0) setTimeout(answer, step.delayMs);
  else answer();
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on("disconnect", () => process.exit(0));
