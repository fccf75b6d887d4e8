/**
 * Remote text reaches the terminal without control characters: an STS (or
 * IAM) error message carrying escape sequences is rendered without them.
 */
import assert from "node:assert/strict";
import { assumeRoleWithWebIdentity } from "../../src/aws/sts.ts";
import { createLog } from "../../src/log.ts";
import { renderError } from "../../src/errors.ts";

const HOSTILE = "Denied\x1b]0;owned\x07\x1b[2J\x1b[1A\rerror: all good\x9b31m";

/** An STS endpoint on 127.0.0.1 answering every call with AWS's error document, its Message hostile. */
function hostileSts(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () =>
    new Response(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
        `<Code>AccessDenied</Code><Message>${HOSTILE}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      { status: 403, headers: { "content-type": "text/xml", "x-amzn-RequestId": "1" } },
    ));
}

Deno.test("STS error text with escape sequences reaches the log without them", async () => {
  await using server = hostileSts();
  const error = await assumeRoleWithWebIdentity({
    roleArn: "arn:aws:iam::123456789012:role/deploy",
    webIdentityToken: "x".repeat(40),
    roleSessionName: "s",
    durationSeconds: 3600,
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${server.addr.port}`,
  }).then(() => undefined, (e) => e);
  assert.ok(error instanceof Error);
  // deno-lint-ignore no-control-regex -- the point of the test
  assert.doesNotMatch(error.message, /[\x00-\x1f\x7f-\x9f]/);
  assert.match(error.message, /AccessDenied/);
  const lines: string[] = [];
  createLog({ debug: true, stderr: (t) => lines.push(t), terminal: undefined }).info(renderError(error, true));
  // deno-lint-ignore no-control-regex -- the point of the test
  assert.doesNotMatch(lines.join("").replaceAll("\n", ""), /[\x00-\x1f\x7f-\x9f]/);
});

Deno.test("every line a log writes loses its control characters, whatever produced it", () => {
  const lines: string[] = [];
  const terminal: string[] = [];
  const log = createLog({ debug: true, stderr: (t) => lines.push(t), terminal: (t) => terminal.push(t) });
  log.notice(`cause: ${HOSTILE}\nnext line`);
  log.debug(HOSTILE);
  assert.deepEqual(lines, [
    "cause: Denied ]0;owned  [2J [1A error: all good 31m\nnext line\n",
    "debug: Denied ]0;owned  [2J [1A error: all good 31m\n",
  ]);
  assert.deepEqual(terminal, [lines[0]]);
});
