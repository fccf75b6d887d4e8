import assert from "node:assert/strict";
import { fastIndexName, flagValue } from "../src/cache/fast_index.ts";
import { cachedAuth } from "../src/fast_path.ts";

Deno.test("the fast index fingerprint changes with the arguments, the relevant environment and the config", () => {
  const config = 'region = "us-east-1"\n';
  const env = { HOME: "/home/me", PATH: "/bin", AWS_OIDC_ROLE_ARN: "arn:a" };
  const name = (args: string[], extra: Record<string, string> = {}, text = config, path = "/c") =>
    fastIndexName(args, path, text, (key) => ({ ...env, ...extra } as Record<string, string>)[key]);
  const base = name(["google"]);
  assert.match(base, /^fastpath-[0-9a-f]{16}\.json$/);
  assert.equal(name(["google"], { PATH: "/usr/bin" }), base, "PATH is irrelevant");
  assert.notEqual(name(["google", "--duration", "7200"]), base);
  assert.notEqual(name(["google"], { AWS_OIDC_ROLE_ARN: "arn:b" }), base);
  assert.notEqual(name(["google"], { AWS_REGION: "eu-west-1" }), base);
  assert.notEqual(name(["google"], {}, 'region = "eu-west-1"\n'), base, "a same-size edit of the config");
  assert.notEqual(name(["google"], {}, config, "/other"), base);
});

Deno.test("flags that need the full CLI bypass the fast path", () => {
  for (const flag of ["--no-cache", "--force-login", "--debug", "--help"]) {
    assert.equal(cachedAuth(["google", flag], () => undefined), undefined, flag);
  }
  assert.equal(flagValue(["g", "--config=/a"], "--config"), "/a");
  assert.equal(flagValue(["g", "--config", "/b"], "--config"), "/b");
  assert.equal(flagValue(["g"], "--config"), undefined);
});
