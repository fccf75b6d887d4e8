/**
 * When stderr is captured (as the AWS CLI and SDKs do with a credential_process),
 * what the person must see still reaches the terminal: a pseudo-terminal made by
 * util-linux `script`, with the CLI's stderr redirected to a file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startHostileIdp } from "../fixtures/hostile_idp.ts";
import { cleanEnv, cliCommandLine, makeHome } from "../helpers/cli.ts";
import { runCommand } from "../helpers/command.ts";
import { removing } from "../helpers/dispose.ts";

Deno.test("with stderr piped away, the login URL is written to the controlling terminal too", async () => {
  await using idp = await startHostileIdp("honest");
  const home = await makeHome(`
[[AuthProvider]]
name = "idp"
role_arn = "arn:aws:iam::123456789012:role/r"
provider_url = "${idp.issuer}"
client_id = "${idp.clientId}"
agent = ["/bin/true"]
timeout = 2
`);
  const captured = join(home, "stderr.txt");
  const stdoutFile = join(home, "stdout.txt");
  await using _home = removing(home);
  const command = `${cliCommandLine()} auth idp 2>${captured} >${stdoutFile}`;
  const output = await runCommand("script", ["-qec", command, "/dev/null"], { env: cleanEnv(home) });
  const terminal = output.stdout;
  const stderr = await Deno.readTextFile(captured);
  assert.match(terminal, /Log in to "idp" in your browser\. If it does not open, visit: http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(stderr, /Log in to "idp" in your browser/, "stderr gets it as well");
  assert.match(stderr, /No login arrived within 2 s/);
  assert.equal(await Deno.readTextFile(stdoutFile), "", "never on stdout");
});
