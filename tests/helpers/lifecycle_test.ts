/** The test helpers' lifecycle: what `await using` releases when a test fails, and runCommand's options. */
import assert from "node:assert/strict";
import { startIdp } from "../fixtures/idp.ts";
import { startSts } from "../fixtures/sts.ts";
import { runCommand } from "./command.ts";
import { removing } from "./dispose.ts";

Deno.test("await using: a failing assertion still stops the IdP and STS and removes the directory", async () => {
  let issuer = "";
  let sts = "";
  let dir = "";
  await assert.rejects(async () => {
    await using idp = await startIdp();
    await using stand = await startSts({ providers: [], roles: [] });
    dir = await Deno.makeTempDir({ prefix: "aws-oidc-lifecycle-" });
    await using _dir = removing(dir);
    issuer = idp.issuer;
    sts = stand.url;
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    await discovery.body?.cancel();
    assert.equal(discovery.status, 200, "the IdP runs");
    assert.fail("the test's own failure");
  }, /the test's own failure/);
  await assert.rejects(fetch(`${issuer}/.well-known/openid-configuration`), TypeError, "the IdP is stopped");
  await assert.rejects(fetch(sts), TypeError, "STS is stopped");
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
});

Deno.test("runCommand: exactly the given environment, a working directory, text on stdin, stdout and stderr apart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-run-" });
  await using _dir = removing(dir);
  const run = await runCommand("/bin/sh", ["-c", 'cat; printf "%s|%s|%s" "$ONLY" "${HOME-unset}" "$PWD" >&2; exit 3'], {
    env: { ONLY: "one" },
    cwd: dir,
    stdin: "from stdin",
  });
  assert.deepEqual(run, { code: 3, stdout: "from stdin", stderr: `one|unset|${await Deno.realPath(dir)}` });
  const inherited = await runCommand("/bin/sh", ["-c", 'printf "%s" "$HOME"'], { env: {}, inheritEnv: true });
  assert.equal(inherited.stdout, Deno.env.get("HOME"));
  const none = await runCommand("/bin/sh", ["-c", "cat"]);
  assert.equal(none.stdout, "", "no stdin unless given");
});

Deno.test("runCommand: a program past its time limit is killed, so the test fails instead of hanging", async () => {
  const started = Date.now();
  const run = await runCommand("/bin/sleep", ["30"], { timeoutMs: 200 });
  assert.notEqual(run.code, 0);
  assert.ok(Date.now() - started < 10_000);
});
