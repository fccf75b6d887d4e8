/**
 * The exact commands and stdin each backend sends, recorded by a Runner that
 * answers as the tool does. macOS and Windows run these for real only on
 * those systems; Linux's run for real in tests/e2e/keychain_test.ts.
 */
import assert from "node:assert/strict";
import { KeychainUnavailable, type RunResult, systemKeychain } from "../../../src/cache/keychain/mod.ts";
import { POWERSHELL_ARGS } from "../../../src/cache/keychain/windows.ts";

const SECRET = "aws-oidc-key:v1:0123456789abcdef:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function recording(answers: RunResult[]) {
  const calls: { program: string; args: string[]; stdin: string }[] = [];
  const run = (program: string, args: string[], stdin: string) => {
    calls.push({ program, args, stdin });
    return Promise.resolve(answers.shift() ?? { code: 0, stdout: "", stderr: "" });
  };
  return { calls, run };
}

function noSecretInArgs(calls: { args: string[] }[]) {
  for (const call of calls) assert.ok(!call.args.join(" ").includes(SECRET), "the secret is never an argument");
}

Deno.test("Linux: secret-tool gets the secret on stdin; lookup, store and clear use one item's attributes", async () => {
  const { calls, run } = recording([
    { code: 1, stdout: "", stderr: "" }, // lookup: nothing
    { code: 0, stdout: "", stderr: "" }, // store
    { code: 0, stdout: `${SECRET}\n`, stderr: "" }, // lookup
    { code: 0, stdout: SECRET, stderr: "" }, // remove: lookup
    { code: 0, stdout: "", stderr: "" }, // clear
  ]);
  const keychain = systemKeychain({ os: "linux", dir: "/c", run });
  assert.equal(await keychain.read(), undefined);
  await keychain.write(SECRET);
  assert.equal(await keychain.read(), SECRET);
  assert.equal(await keychain.remove(), true);
  const item = ["service", "aws-oidc", "kind", "data-key"];
  assert.deepEqual(calls, [
    { program: "secret-tool", args: ["lookup", ...item], stdin: "" },
    { program: "secret-tool", args: ["store", "--label=aws-oidc data key", ...item], stdin: SECRET },
    { program: "secret-tool", args: ["lookup", ...item], stdin: "" },
    { program: "secret-tool", args: ["lookup", ...item], stdin: "" },
    { program: "secret-tool", args: ["clear", ...item], stdin: "" },
  ]);
});

Deno.test("Linux: no D-Bus session or a locked keyring is KeychainUnavailable, with secret-tool's words", async () => {
  const { run } = recording([{
    code: 1,
    stdout: "",
    stderr: "secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY\n",
  }]);
  await assert.rejects(
    systemKeychain({ os: "linux", dir: "/c", run }).read(),
    (error: Error) => error instanceof KeychainUnavailable && /Cannot autolaunch D-Bus/.test(error.message),
  );
  const missing = recording([{ code: 127, stdout: "", stderr: "" }]);
  await assert.rejects(systemKeychain({ os: "linux", dir: "/c", run: missing.run }).write(SECRET), /not installed/);
});

Deno.test("macOS: /usr/bin/security -i, every command (the secret among them) on stdin", async () => {
  const { calls, run } = recording([
    {
      code: 0,
      stdout: "",
      stderr: "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n",
    },
    { code: 0, stdout: "", stderr: "" },
    { code: 0, stdout: `${SECRET}\n`, stderr: "" },
    { code: 0, stdout: "", stderr: "" },
  ]);
  const keychain = systemKeychain({ os: "darwin", dir: "/c", run });
  assert.equal(await keychain.read(), undefined);
  await keychain.write(SECRET);
  assert.equal(await keychain.read(), SECRET);
  assert.equal(await keychain.remove(), true);
  assert.deepEqual(calls, [
    { program: "/usr/bin/security", args: ["-i"], stdin: "find-generic-password -a data-key -s aws-oidc -w\n" },
    {
      program: "/usr/bin/security",
      args: ["-i"],
      stdin: `add-generic-password -U -a data-key -s aws-oidc -l aws-oidc -w ${SECRET}\n`,
    },
    { program: "/usr/bin/security", args: ["-i"], stdin: "find-generic-password -a data-key -s aws-oidc -w\n" },
    { program: "/usr/bin/security", args: ["-i"], stdin: "delete-generic-password -a data-key -s aws-oidc\n" },
  ]);
  assert.ok(calls[1].stdin.length < 256, "one short input line");
  const locked = recording([{ code: 0, stdout: "", stderr: "User interaction is not allowed.\n" }]);
  await assert.rejects(systemKeychain({ os: "darwin", dir: "/c", run: locked.run }).write(SECRET), KeychainUnavailable);
});

Deno.test("Windows: powershell -NoProfile -NonInteractive -Command -, the DPAPI script (and the secret) on stdin", async () => {
  const { calls, run } = recording([
    { code: 3, stdout: "", stderr: "" },
    { code: 0, stdout: "", stderr: "" },
    { code: 0, stdout: SECRET, stderr: "" },
  ]);
  const keychain = systemKeychain({ os: "windows", dir: "C:\\Users\\o'neil\\.aws-oidc\\cache", run });
  assert.equal(await keychain.read(), undefined);
  await keychain.write(SECRET);
  assert.equal(await keychain.read(), SECRET);
  noSecretInArgs(calls);
  assert.deepEqual(POWERSHELL_ARGS, ["-NoProfile", "-NonInteractive", "-Command", "-"]);
  for (const call of calls) assert.deepEqual([call.program, ...call.args], ["powershell", ...POWERSHELL_ARGS]);
  const path = "C:\\Users\\o''neil\\.aws-oidc\\cache";
  assert.match(calls[0].stdin, new RegExp(`\\$p = '${path.replaceAll("\\", "\\\\")}.data-key\\.dpapi'`));
  assert.match(
    calls[0].stdin,
    /ProtectedData\]::Unprotect\(\[IO\.File\]::ReadAllBytes\(\$p\), \$null, 'CurrentUser'\)/,
  );
  assert.match(calls[1].stdin, new RegExp(`GetBytes\\('${SECRET}'\\)`));
  assert.match(calls[1].stdin, /ProtectedData\]::Protect\(\$b, \$null, 'CurrentUser'\)/);
  for (const call of calls) {
    assert.ok(call.stdin.split("\n").every((line) => !/^\s*[{}]\s*$/.test(line)), "one statement a line");
  }
});
