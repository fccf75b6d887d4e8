import assert from "node:assert/strict";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { type AuthArguments, parseAuthArguments, readAuthArguments } from "../../src/aws/credential_process.ts";
import { baseName, filePathOf } from "../../src/paths.ts";
import { buildProgram } from "../../src/cli/main.ts";
import { providerFlagValues } from "../../src/cli/flags.ts";
import { silentContext } from "../cli/test_context.ts";

/** `auth <args>` as the command line program reads it, its action replaced by a recorder. */
async function readByCommander(args: string[]): Promise<AuthArguments | Error> {
  const program = await buildProgram(silentContext());
  let read: AuthArguments | undefined;
  const auth = program.commands.find((command) => command.name() === "auth")!;
  auth.action((name: string, _options: unknown, self: Command) => {
    const o = self.optsWithGlobals<Record<string, string | boolean | undefined>>();
    read = {
      name,
      flags: providerFlagValues(o),
      cache: {
        cache: o.cache as boolean,
        forceLogin: o.forceLogin as boolean,
        nodeLocalCache: o.nodeLocalCache as string,
      },
      globals: { config: o.config as string, debug: o.debug as boolean, quiet: o.quiet as boolean },
      output: { format: o.format as string, shell: o.shell as string, profileName: o.profileName as string },
    };
  });
  try {
    await program.parseAsync(["auth", ...args], { from: "user" });
  } catch (error) {
    return error as Error;
  }
  return read!;
}

function readWithout(args: string[]): AuthArguments | Error {
  try {
    return readAuthArguments(args, { output: true });
  } catch (error) {
    return error as Error;
  }
}

Deno.test("auth's arguments read without commander: what commander reads, or refused where it refuses", async () => {
  const lines = [
    ["google"],
    ["google", "--role-arn", "arn:aws:iam::123456789012:role/dev", "--duration=7200"],
    ["--role_arn=arn:aws:iam::123456789012:role/a", "google", "--region", "eu-west-1"],
    [
      "google",
      "--scope",
      "openid",
      "--scope=email",
      "--chain",
      "arn:aws:iam::1:role/x",
      "--chain",
      "arn:aws:iam::1:role/y",
    ],
    ["google", "--no-cache", "--force-login", "--node-local-cache", "/tmp/x", "--debug", "-q", "--config", "c.toml"],
    ["google", "--format", "env", "--shell", "fish"],
    ["google", "--format=aws-credentials", "--profile-name", "work"],
    ["google", "--device"],
    ["google", "--agent", "-firefox {}"],
    ["--", "google"],
    ["google", "--role-arn"],
    [],
    ["google", "other"],
    ["google", "--unknown"],
    ["google", "--debug=yes"],
    ["google", "--cache"],
  ];
  for (const line of lines) {
    const expected = await readByCommander(line);
    const actual = readWithout(line);
    if (expected instanceof Error) {
      assert.ok(actual instanceof Error, `${line.join(" ")}: refused by commander (${expected.message}), read here`);
    } else {
      assert.deepEqual(actual, expected, line.join(" "));
    }
  }
});

Deno.test("a credential_process line auth cannot read names the profile", () => {
  assert.throws(
    () => parseAuthArguments(["google", "--bogus"], "dev"),
    /^UsageError: The credential_process of profile "dev" cannot be read: unknown option '--bogus'$/,
  );
  assert.deepEqual(parseAuthArguments(["google", "--duration", "900"], "dev").flags, { duration: "900" });
});

Deno.test("baseName and filePathOf agree with node:path and node:url", () => {
  for (const path of ["/usr/bin/aws-oidc", "aws-oidc", "/opt/x/", "./bin/aws-oidc.exe", "/"]) {
    assert.equal(baseName(path), basename(path), path);
  }
  for (const url of ["file:///work/main.ts", "file:///a%20b/c%23d.ts", "file:///%C3%A9t%C3%A9/m.ts"]) {
    assert.equal(filePathOf(url), fileURLToPath(url), url);
  }
});
