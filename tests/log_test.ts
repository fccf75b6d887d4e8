import assert from "node:assert/strict";
import { createLog, redact } from "../src/log.ts";

Deno.test("JWT-shaped strings and registered secrets are masked, even in debug", () => {
  const lines: string[] = [];
  const log = createLog({ debug: true, stderr: (text) => lines.push(text), terminal: undefined });
  log.secret("s3cr3t-value");
  log.debug("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl and s3cr3t-value");
  assert.equal(lines.join(""), "debug: token [redacted token] and [redacted]\n");
  assert.equal(redact("no secrets here"), "no secrets here");
});

Deno.test("notices reach the terminal when stderr is captured; debug only when asked", () => {
  const stderr: string[] = [];
  const terminal: string[] = [];
  const log = createLog({ stderr: (t) => stderr.push(t), terminal: (t) => terminal.push(t) });
  log.notice("open http://127.0.0.1:1/");
  log.info("progress");
  log.debug("hidden");
  assert.deepEqual(stderr, ["open http://127.0.0.1:1/\n", "progress\n"]);
  assert.deepEqual(terminal, ["open http://127.0.0.1:1/\n"]);
});
