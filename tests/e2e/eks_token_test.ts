/**
 * `eks-token` as kubectl's exec credential plugin: the real kubectl (Debian's
 * kubernetes-client) against the EKS stand-in (tests/fixtures/eks.ts, HTTPS with
 * the test CA in the kubeconfig), which checks every token with the STS stand-in.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, cliCommandLine, runCli } from "../helpers/cli.ts";
import { providerTable, startWorld, type World } from "../helpers/world.ts";
import { type EksStandIn, startEks } from "../fixtures/eks.ts";
import { cachedEksToken } from "../../src/fast_eks.ts";
import { tokenUrl } from "../helpers/eks_token.ts";
import { runCommand } from "../helpers/command.ts";

const ROLE = "arn:aws:iam::123456789012:role/eks-admin";
const UNTRUSTED = "arn:aws:iam::123456789012:role/untrusted";
const V1 = "client.authentication.k8s.io/v1";
const V1BETA1 = "client.authentication.k8s.io/v1beta1";

function world(): Promise<World> {
  return startWorld({
    roles: (trust) => [{ arn: ROLE, trust }, { arn: UNTRUSTED }],
    config: (servers) => providerTable(servers, { role: ROLE }),
    awsConfig: `[profile engineer]\nregion = eu-west-1\ncredential_process = ${cliCommandLine()} auth idp\n`,
  });
}

/** A kubeconfig with one cluster (the stand-in) and a user per entry of `users`, each an exec of aws-oidc. */
async function writeKubeconfig(w: World, eks: EksStandIn, users: Record<string, { api: string; args: string[] }>) {
  const [command, ...base] = cliCommand();
  const path = join(w.home, ".kube", "config");
  await Deno.mkdir(join(w.home, ".kube"), { recursive: true });
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: "prod",
      cluster: { server: eks.url, "certificate-authority-data": btoa(eks.caPem) },
    }],
    users: Object.entries(users).map(([name, user]) => ({
      name,
      user: {
        exec: {
          apiVersion: user.api,
          command,
          args: [...base, ...user.args],
          interactiveMode: "IfAvailable",
          provideClusterInfo: false,
        },
      },
    })),
    contexts: Object.keys(users).map((name) => ({ name, context: { cluster: "prod", user: name } })),
    "current-context": Object.keys(users)[0],
  };
  await Deno.writeTextFile(path, JSON.stringify(config)); // JSON is YAML
  return path;
}

async function kubectl(w: World, kubeconfig: string, args: string[]) {
  return await runCommand("kubectl", ["--kubeconfig", kubeconfig, ...args], { env: w.env });
}

Deno.test("kubectl through eks-token: the first call logs in, the next are answered from the cache", async () => {
  await using w = await world();
  await using eks = startEks({
    cluster: "prod",
    trustedSts: w.sts.url,
    users: [{ arn: ROLE, username: "admin:{{SessionName}}", groups: ["system:masters"] }],
  });
  const kubeconfig = await writeKubeconfig(w, eks, {
    v1: { api: V1, args: ["eks-token", "engineer", "--cluster-name", "prod"] },
    beta: {
      api: V1BETA1,
      args: ["eks-token", "--provider", "idp", "--cluster-name", "prod", "--region", "eu-west-1"],
    },
    staging: { api: V1, args: ["eks-token", "engineer", "--cluster-name", "staging"] },
  });
  const first = await kubectl(w, kubeconfig, ["get", "--raw", "/version"]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).gitVersion, "v1.32.0-eks-standin");
  assert.equal(w.idp.counters.authorizations, 1, "the first call logged in");
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
  assert.match(eks.lastUser!.username, /^admin:/);
  assert.equal(eks.lastUser!.arn, ROLE);

  // What main.ts's fast path answers for kubectl's next call, read in this process: the cached token.
  const execInfo = JSON.stringify({ kind: "ExecCredential", apiVersion: V1, spec: { interactive: false } });
  const env: Record<string, string> = { ...w.env, KUBERNETES_EXEC_INFO: execInfo };
  const fast = cachedEksToken(["engineer", "--cluster-name", "prod"], (name) => env[name]);
  assert.ok(fast, "the fast path can answer");
  const credential = JSON.parse(fast);
  assert.equal(credential.apiVersion, V1);
  assert.equal(tokenUrl(credential.status.token).origin, w.sts.url, "signed for sts_endpoint");
  assert.equal(tokenUrl(credential.status.token).searchParams.get("X-Amz-SignedHeaders"), "host;x-k8s-aws-id");
  const expires = Date.parse(credential.status.expirationTimestamp) - Date.now();
  assert.ok(expires > 13 * 60_000 && expires <= 14 * 60_000, `${expires} ms`);

  for (const args of [["get", "--raw", "/version"], ["auth", "whoami", "-o", "json"]]) {
    const again = await kubectl(w, kubeconfig, args);
    assert.equal(again.code, 0, again.stderr);
    if (args[0] === "auth") assert.match(JSON.parse(again.stdout).status.userInfo.username, /^admin:/);
  }
  assert.equal(w.idp.counters.authorizations, 1, "no new login");
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1, "no new credentials");
  assert.ok(eks.counters.authenticated >= 3, "whoami may discover first");
  assert.equal(eks.counters.refused, 0);
  assert.equal(eks.tokens.size, 1, "one token, served from the cache each time");

  // The other API version is another cache entry, signed with the cached credentials.
  const beta = await kubectl(w, kubeconfig, ["--context", "beta", "get", "--raw", "/version"]);
  assert.equal(beta.code, 0, beta.stderr);
  assert.equal(eks.tokens.size, 2);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);

  // A token signed for another cluster is refused by this one, through STS's signature check.
  const staging = await kubectl(w, kubeconfig, ["--context", "staging", "get", "--raw", "/version"]);
  assert.notEqual(staging.code, 0);
  assert.match(staging.stderr, /Unauthorized|provide credentials/);
  assert.match(eks.lastRefusal!, /SignatureDoesNotMatch/);
  assert.equal(w.idp.counters.authorizations, 1);

  // A logout retires the session's tokens: not served, not left on disk.
  const eksFiles = async () =>
    (await Array.fromAsync(Deno.readDir(join(w.home, ".aws-oidc", "cache")))).filter((file) =>
      file.name.startsWith("eks-token-")
    ).length;
  assert.equal(await eksFiles(), 3, "v1, v1beta1 and staging");
  const logout = await runCli(["logout", "idp"], w.env);
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(cachedEksToken(["engineer", "--cluster-name", "prod"], (name) => env[name]), undefined);
  assert.equal(await eksFiles(), 0);
});

Deno.test("eks-token errors: one line on stderr, nothing on stdout, a non-zero exit", async () => {
  await using w = await world();
  // One error line, the last (a login on the way says so on stderr first).
  const oneLine = (run: { stderr: string }) => {
    const lines = run.stderr.trim().split("\n");
    assert.deepEqual(lines.filter((line) => line.startsWith("error:")), [lines.at(-1)], run.stderr);
  };

  const noCluster = await runCli(["eks-token", "engineer"], w.env);
  assert.equal(noCluster.code, 2);
  assert.equal(noCluster.stdout, "");
  assert.match(noCluster.stderr, /^error: eks-token needs --cluster-name/);
  oneLine(noCluster);

  const china = await runCli(["eks-token", "engineer", "--cluster-name", "prod", "--region", "cn-north-1"], w.env);
  assert.equal(china.code, 2);
  assert.equal(china.stdout, "");
  assert.match(china.stderr, /Region "cn-north-1" is in partition "aws-cn", but role ".*eks-admin" is in "aws"/);
  oneLine(china);

  const denied = await runCli(
    ["eks-token", "--provider", "idp", "--role-arn", UNTRUSTED, "--cluster-name", "prod", "--region", "eu-west-1"],
    w.env,
  );
  assert.equal(denied.code, 1);
  assert.equal(denied.stdout, "");
  assert.match(denied.stderr, /untrusted/);
  oneLine(denied);
  assert.equal(w.idp.counters.authorizations, 1, "the login happened; STS refused the role");
});
