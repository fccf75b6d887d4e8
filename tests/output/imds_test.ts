/** The IMDSv2 emulation against raw HTTP: what EC2 answers, and what it refuses. */
import assert from "node:assert/strict";
import { type CredentialEntry, refreshWindow } from "../../src/cache/entries.ts";
import {
  forImds,
  IMDS_MIN_REMAINING_SECONDS,
  imdsRoleName,
  type ImdsServer,
  startImdsServer,
} from "../../src/output/imds.ts";

const EXPIRATION = "2030-01-02T03:04:05.678Z";

function entry(): CredentialEntry {
  return {
    provider: "test",
    issuer: "https://idp.example",
    clientId: "client",
    roleArn: "arn:aws:iam::123456789012:role/team/deployer",
    region: "eu-west-1",
    duration: 3600,
    sub: "alice",
    sessionName: "alice",
    accessKeyId: "ASIATESTTESTTEST0001",
    secretAccessKey: "secret-access-key",
    sessionToken: "session-token",
    expiration: EXPIRATION,
  };
}

async function withImds(
  fn: (imds: ImdsServer, clock: { now: number }, calls: { count: number }) => Promise<void>,
): Promise<void> {
  const clock = { now: Date.parse("2029-12-31T00:00:00.250Z") };
  const calls = { count: 0 };
  await using imds = startImdsServer({
    credentials: () => {
      calls.count++;
      return Promise.resolve(entry());
    },
    roleName: "deployer",
    now: () => clock.now,
  });
  await fn(imds, clock, calls);
}

async function putToken(imds: ImdsServer, ttl: string | undefined, headers: Record<string, string> = {}) {
  const response = await fetch(`${imds.endpoint}latest/api/token`, {
    method: "PUT",
    headers: ttl === undefined ? headers : { "x-aws-ec2-metadata-token-ttl-seconds": ttl, ...headers },
  });
  return {
    status: response.status,
    body: await response.text(),
    ttl: response.headers.get("x-aws-ec2-metadata-token-ttl-seconds"),
  };
}

async function get(imds: ImdsServer, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${imds.endpoint}${path.slice(1)}`, { headers });
  return { status: response.status, body: await response.text() };
}

const LIST = "/latest/meta-data/iam/security-credentials/";

Deno.test("imds: token, role list and credentials in EC2's shape", async () => {
  await withImds(async (imds) => {
    assert.match(imds.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.deepEqual(imds.variables, { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint });
    const token = await putToken(imds, "21600");
    assert.equal(token.status, 200);
    assert.equal(token.ttl, "21600");
    const auth = { "x-aws-ec2-metadata-token": token.body };
    assert.deepEqual(await get(imds, LIST, auth), { status: 200, body: "deployer" });
    const credentials = await get(imds, `${LIST}deployer`, auth);
    assert.equal(credentials.status, 200);
    assert.deepEqual(JSON.parse(credentials.body), {
      Code: "Success",
      LastUpdated: "2029-12-31T00:00:00Z",
      Type: "AWS-HMAC",
      AccessKeyId: "ASIATESTTESTTEST0001",
      SecretAccessKey: "secret-access-key",
      Token: "session-token",
      Expiration: "2030-01-02T03:04:05Z",
    });
    assert.equal((await get(imds, `${LIST}someone-else`, auth)).status, 404);
    assert.equal((await get(imds, "/latest/meta-data/iam/security-credentials-extended/", auth)).status, 404);
    assert.equal((await get(imds, "/latest/meta-data/instance-id", auth)).status, 404);
  });
});

Deno.test("imds: IMDSv1 (no token), a wrong token and an expired one get 401 and no credentials", async () => {
  await withImds(async (imds, clock, calls) => {
    assert.deepEqual(await get(imds, `${LIST}deployer`), { status: 401, body: "Unauthorized" });
    assert.equal((await get(imds, LIST)).status, 401);
    const token = (await putToken(imds, "60")).body;
    assert.equal((await get(imds, LIST, { "x-aws-ec2-metadata-token": `${token.slice(0, -1)}x` })).status, 401);
    assert.equal((await get(imds, LIST, { "x-aws-ec2-metadata-token": token })).status, 200);
    clock.now += 60_000;
    assert.equal((await get(imds, `${LIST}deployer`, { "x-aws-ec2-metadata-token": token })).status, 401);
    assert.equal(calls.count, 0, "no refused request reached the credentials");
  });
});

Deno.test("imds: the token request needs a TTL of 1-21600 seconds and a PUT", async () => {
  await withImds(async (imds) => {
    for (const ttl of [undefined, "0", "21601", "abc", "-5", "1.5"]) {
      assert.equal((await putToken(imds, ttl)).status, 400, `TTL ${ttl}`);
    }
    assert.equal((await putToken(imds, "1")).status, 200);
    assert.equal((await get(imds, "/latest/api/token", { "x-aws-ec2-metadata-token-ttl-seconds": "60" })).status, 405);
  });
});

Deno.test("imds: X-Forwarded-For and a foreign Host are refused with 403", async () => {
  await withImds(async (imds) => {
    assert.equal((await putToken(imds, "60", { "x-forwarded-for": "203.0.113.9" })).status, 403);
    const token = (await putToken(imds, "60")).body;
    const auth = { "x-aws-ec2-metadata-token": token };
    assert.equal((await get(imds, LIST, { ...auth, "x-forwarded-for": "203.0.113.9" })).status, 403);
    // fetch() sets Host from the URL; a raw request names another, as a DNS-rebound page would.
    const { port } = new URL(imds.endpoint);
    const connection = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    try {
      const request = `GET ${LIST}deployer HTTP/1.1\r\nHost: attacker.example:${port}\r\n` +
        `x-aws-ec2-metadata-token: ${token}\r\nConnection: close\r\n\r\n`;
      await connection.write(new TextEncoder().encode(request));
      const response = await new Response(connection.readable).text();
      assert.match(response, /^HTTP\/1\.1 403/);
      assert.ok(!response.includes("secret-access-key"));
    } finally {
      try {
        connection.close();
      } catch { /* closed by the server */ }
    }
  });
});

Deno.test("imdsRoleName: the role's name without its path", () => {
  assert.equal(imdsRoleName("arn:aws:iam::123456789012:role/team/deployer"), "deployer");
  assert.equal(imdsRoleName("arn:aws-cn:iam::123456789012:role/admin"), "admin");
});

Deno.test("forImds: credentials botocore would stretch past expiry (under 21 minutes left) are renewed first", () => {
  const provider = { duration: 3600, refreshWindow: undefined };
  assert.equal(refreshWindow(provider), 900);
  assert.equal(refreshWindow(forImds(provider)), IMDS_MIN_REMAINING_SECONDS);
  assert.equal(refreshWindow(forImds({ duration: 3600, refreshWindow: 2000 })), 2000, "a wider window stays");
  // botocore stretches what has less than 600 s + up to 600 s of jitter left.
  assert.ok(IMDS_MIN_REMAINING_SECONDS > 1200);
});
