#!/usr/bin/env node
/** The `opsdeck` entry: parse the command line, delegate, exit with the documented code. */
import { processIo } from "./io";
import { runCli } from "./run";

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  // Idle keep-alive sockets (S3, webhooks) would otherwise hold the process open a while longer.
  setTimeout(() => process.exit(code), 200).unref();
});
