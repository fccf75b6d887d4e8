import assert from "node:assert/strict";
import { fastIndexName, flagValue } from "../src/cache/fast_index.ts";
import { cachedAuth } from "../src/fast_path.ts";

Deno.test("the fast index fingerprint changes with the arguments, the relevant environment and the config", async () => {
  const dir = await Deno.makeTempDir();
  const config = `${dir}/config`;
  await Deno.writeTextFile(config, 'region = "us-east-1"\n');
  const env = { HOME: dir, PATH: "/bin", AWS_OIDC_ROLE_ARN: "arn:a" };
  const base = await fastIndexName(["google"], config, env);
  assert.match(base!, /^fastpath-[0-9a-f]{16}\.json$/);
  assert.equal(await fastIndexName(["google"], config, { ...env, PATH: "/usr/bin" }), base, "PATH is irrelevant");
  assert.notEqual(await fastIndexName(["google", "--duration", "7200"], config, env), base);
  assert.notEqual(await fastIndexName(["google"], config, { ...env, AWS_OIDC_ROLE_ARN: "arn:b" }), base);
  assert.notEqual(await fastIndexName(["google"], config, { ...env, AWS_REGION: "eu-west-1" }), base);
  await Deno.writeTextFile(config, 'region = "eu-west-1"\n');
  assert.notEqual(await fastIndexName(["google"], config, env), base, "an edited config takes the full path");
  assert.equal(await fastIndexName(["google"], `${dir}/missing`, env), undefined);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("flags that need the full CLI bypass the fast path", async () => {
  for (const flag of ["--no-cache", "--force-login", "--debug", "--help"]) {
    assert.equal(await cachedAuth(["google", flag], {}, () => {}), undefined, flag);
  }
  assert.equal(flagValue(["g", "--config=/a"], "--config"), "/a");
  assert.equal(flagValue(["g", "--config", "/b"], "--config"), "/b");
  assert.equal(flagValue(["g"], "--config"), undefined);
});
