import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { execInput } from "../../src/cli/exec.ts";
import { userShell } from "../../src/output/child.ts";
import { sessionLabel } from "../../src/cli/target.ts";

Deno.test("execInput: a name and no command means the shell; --provider takes the first word as the program", () => {
  assert.deepEqual(execInput("engineer", [], {}).command, []);
  assert.equal(execInput("engineer", [], {}).name, "engineer");
  const direct = execInput("aws", ["s3", "ls"], { provider: "idp" });
  assert.deepEqual([direct.name, direct.provider, direct.command], [undefined, "idp", ["aws", "s3", "ls"]]);
  assert.equal(execInput("p", [], { imds: true }).endpoint, "imds");
  assert.equal(execInput("p", [], { server: true }).endpoint, "server");
  assert.equal(execInput("p", [], {}).endpoint, "none");
});

Deno.test("execInput: no name, or --server with --imds, is a usage error", () => {
  assert.throws(() => execInput(undefined, [], {}), UsageError);
  assert.throws(() => execInput("p", [], { server: true, imds: true }), /--server and --imds cannot be combined/);
});

Deno.test("userShell: SHELL, else /bin/sh; ComSpec on Windows, else cmd.exe", () => {
  const env = (values: Record<string, string>) => (name: string) => values[name];
  assert.deepEqual(userShell(env({ SHELL: "/usr/bin/fish" }), "linux"), ["/usr/bin/fish"]);
  assert.deepEqual(userShell(env({}), "darwin"), ["/bin/sh"]);
  assert.deepEqual(userShell(env({ ComSpec: "C:\\Windows\\system32\\cmd.exe", SHELL: "/bin/zsh" }), "windows"), [
    "C:\\Windows\\system32\\cmd.exe",
  ]);
  assert.deepEqual(userShell(env({}), "windows"), ["cmd.exe"]);
});

Deno.test("sessionLabel: the provider, or the profile with its provider", () => {
  assert.equal(sessionLabel({ provider: "google" }), "google");
  assert.equal(sessionLabel({ provider: "google", profile: "prod" }), "prod (google)");
});
