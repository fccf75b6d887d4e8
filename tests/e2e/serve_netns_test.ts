/**
 * `serve --listen` for a client that stands in for a container: boto3 in its own network namespace, created and
 * removed here (`ip netns`, a veth pair; needs root and iproute2), reaches serve on the host end of the pair at
 * 169.254.170.2 — the address the README's Docker recipe gives the network's gateway, and one the SDKs accept plain
 * http for — and keeps getting live credentials across two expiries without a browser.
 */
import assert from "node:assert/strict";
import { BOTO3_CLIENT, PYTHON, serveWorld, startServe } from "../helpers/serve.ts";
import { runCommand } from "../helpers/command.ts";

const HOST_ADDRESS = "169.254.170.2";
const CLIENT_ADDRESS = "169.254.170.1";

async function ip(...args: string[]): Promise<void> {
  const output = await runCommand("ip", args);
  if (output.code !== 0) {
    throw new Error(`ip ${args.join(" ")} failed (root and iproute2 are needed): ${output.stderr}`);
  }
}

/** A namespace joined to this one by a veth pair: `CLIENT_ADDRESS` inside, `HOST_ADDRESS` on the host end. */
async function withNamespace(fn: (namespace: string) => Promise<void>): Promise<void> {
  const tag = crypto.randomUUID().slice(0, 6);
  const namespace = `aws-oidc-test-${tag}`;
  const [hostEnd, clientEnd] = [`aoh${tag}`, `aoc${tag}`];
  await ip("netns", "add", namespace);
  try {
    await ip("link", "add", hostEnd, "type", "veth", "peer", "name", clientEnd);
    await ip("link", "set", clientEnd, "netns", namespace);
    await ip("addr", "add", `${HOST_ADDRESS}/30`, "dev", hostEnd);
    await ip("link", "set", hostEnd, "up");
    await ip("-n", namespace, "addr", "add", `${CLIENT_ADDRESS}/30`, "dev", clientEnd);
    await ip("-n", namespace, "link", "set", clientEnd, "up");
    await ip("-n", namespace, "link", "set", "lo", "up");
    await fn(namespace);
  } finally {
    // Deleting the namespace destroys the client end, and with it the pair.
    await ip("netns", "del", namespace);
    await ip("link", "del", hostEnd).catch(() => {});
  }
}

Deno.test("serve --listen: boto3 in another network namespace keeps working across two expiries, no browser", async () => {
  await using w = await serveWorld({ shortLived: true });
  await withNamespace(async (namespace) => {
    await using serving = await startServe(["idp", "--listen", `${HOST_ADDRESS}:0`], w.env);
    const url = serving.variables.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    assert.match(url, /^http:\/\/169\.254\.170\.2:\d+\/creds\//);
    assert.match(serving.stderr(), /Listening on 169\.254\.170\.2: .* only those holding the token file/);
    // Debian 12's boto3 predates AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (see serve_test.ts).
    const token = await Deno.readTextFile(serving.variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
    const env = { ...w.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token };

    const client = new Deno.Command("ip", {
      args: ["netns", "exec", namespace, PYTHON, BOTO3_CLIENT, "10", "2"],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(client.stderr).text();
    const keys = new Set<string>();
    let lines = 0;
    let buffered = "";
    // Each line is checked as it arrives: the stand-in issued these credentials and they are still live.
    for await (const chunk of client.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        lines++;
        assert.equal(line.method, "container-role");
        assert.ok(w.sts.issued(line.AccessKeyId, line.SecretAccessKey, line.SessionToken), "live credentials");
        keys.add(line.AccessKeyId);
      }
    }
    const status = await client.status;
    assert.equal(status.code, 0, await stderr);
    assert.equal(lines, 10);
    assert.ok(keys.size >= 3, `three sessions or more, got ${keys.size}`);
    assert.equal(w.idp.counters.authorizations, 1, "no browser after the first login");

    // Without the token, the namespace gets nothing.
    const { AWS_CONTAINER_AUTHORIZATION_TOKEN: _, ...noToken } = env;
    const refused = await runCommand("ip", ["netns", "exec", namespace, PYTHON, BOTO3_CLIENT, "1", "0"], {
      env: noToken,
    });
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stdout.length, 0);
  });
});
