/** Partitions, console destinations, the sign-in token exchange and the login URL: pure units, fetch injected. */
import assert from "node:assert/strict";
import { consoleEndpoints, partitionOfRegion, partitionOfRole } from "../../src/config/partition.ts";
import {
  consoleDestination,
  consoleLoginUrl,
  type SessionCredentials,
  sessionJson,
  signinToken,
} from "../../src/aws/console.ts";
import { parseConfig } from "../../src/config/load.ts";
import { requireProvider } from "../../src/config/resolve.ts";
import { AwsOidcError, ConfigError, renderError, UsageError } from "../../src/errors.ts";
import { createLog } from "../../src/log.ts";
import { loginInput } from "../../src/cli/login.ts";

Deno.test("partition mapping: aws, aws-cn and aws-us-gov sign-in and console hosts", () => {
  const cases: Array<[string, string, string]> = [
    ["arn:aws:iam::123456789012:role/dev", "https://signin.aws.amazon.com/federation", "console.aws.amazon.com"],
    ["arn:aws-cn:iam::123456789012:role/dev", "https://signin.amazonaws.cn/federation", "console.amazonaws.cn"],
    [
      "arn:aws-us-gov:iam::123456789012:role/dev",
      "https://signin.amazonaws-us-gov.com/federation",
      "console.amazonaws-us-gov.com",
    ],
  ];
  for (const [arn, federationUrl, consoleHost] of cases) {
    const partition = partitionOfRole(arn);
    assert.deepEqual(consoleEndpoints(partition), { partition, federationUrl, consoleHost });
  }
});

Deno.test("partition mapping: a China region lands on the China console", () => {
  assert.equal(partitionOfRegion("cn-north-1"), "aws-cn");
  assert.equal(partitionOfRegion("cn-northwest-1"), "aws-cn");
  assert.equal(partitionOfRegion("us-gov-west-1"), "aws-us-gov");
  assert.equal(partitionOfRegion("eu-west-1"), "aws");
  assert.equal(partitionOfRegion("eusc-de-east-1"), "aws-eusc");
  const endpoints = consoleEndpoints(partitionOfRole("arn:aws-cn:iam::123456789012:role/dev"));
  assert.equal(
    consoleDestination({ region: "cn-north-1" }, endpoints),
    "https://console.amazonaws.cn/console/home?region=cn-north-1",
  );
  assert.equal(
    consoleDestination({ destination: "/s3/home", region: "cn-north-1" }, endpoints),
    "https://console.amazonaws.cn/s3/home?region=cn-north-1",
  );
  assert.throws(
    () => consoleDestination({ region: "eu-west-1" }, endpoints),
    (error) => error instanceof UsageError && /partition "aws", the role in "aws-cn"/.test(error.message),
  );
});

Deno.test("partition mapping: signin_url and AWS_OIDC_SIGNIN_URL replace the federation endpoint", () => {
  const aws = partitionOfRole("arn:aws:iam::123456789012:role/dev");
  assert.deepEqual(consoleEndpoints(aws, { signinUrl: "https://eu-west-1.signin.aws.amazon.com" }), {
    partition: "aws",
    federationUrl: "https://eu-west-1.signin.aws.amazon.com/federation",
    consoleHost: "console.aws.amazon.com",
  });
  assert.equal(
    consoleEndpoints(aws, { signinUrl: "http://127.0.0.1:8080/federation" }).federationUrl,
    "http://127.0.0.1:8080/federation",
  );
  assert.throws(
    () => consoleEndpoints("aws-iso"),
    (error) => error instanceof UsageError && /signin_url/.test(error.hint!),
  );
  assert.equal(consoleEndpoints("aws-iso", { signinUrl: "https://signin.example" }).consoleHost, undefined);

  const text = `
provider_url = "https://idp.example"
client_id = "client"
[[AuthProvider]]
name = "p"
role_arn = "arn:aws:iam::123456789012:role/dev"
signin_url = "https://signin.example/federation"
`;
  const config = { ...parseConfig(text), path: "config", exists: true, text };
  const resolve = (env: Record<string, string>, flags = {}) =>
    requireProvider({ config, name: "p", flags, env: (name) => env[name] });
  assert.equal(resolve({}).signinUrl, "https://signin.example/federation");
  assert.equal(resolve({ AWS_OIDC_SIGNIN_URL: "https://env.example/" }).signinUrl, "https://env.example/");
  assert.equal(
    resolve({ AWS_OIDC_SIGNIN_URL: "https://env.example/" }, { signin_url: "http://127.0.0.1:9/federation" }).signinUrl,
    "http://127.0.0.1:9/federation",
  );
  for (const bad of ["http://signin.example/federation", "not a url", "https://signin.example/federation?x=1"]) {
    assert.throws(() => resolve({ AWS_OIDC_SIGNIN_URL: bad }), ConfigError, bad);
  }
});

Deno.test("destination: console home, paths, full console URLs; anything else is a usage error", () => {
  const aws = consoleEndpoints("aws");
  assert.equal(consoleDestination({}, aws), "https://console.aws.amazon.com/");
  assert.equal(
    consoleDestination({ region: "eu-west-1" }, aws),
    "https://console.aws.amazon.com/console/home?region=eu-west-1",
  );
  assert.equal(consoleDestination({ destination: "/s3/home" }, aws), "https://console.aws.amazon.com/s3/home");
  assert.equal(consoleDestination({ destination: "s3/home" }, aws), "https://console.aws.amazon.com/s3/home");
  assert.equal(
    consoleDestination({ destination: "/ec2/home?region=us-east-1#Instances:", region: "eu-west-1" }, aws),
    "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:",
  );
  const regional = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1";
  assert.equal(consoleDestination({ destination: regional }, aws), regional);
  for (
    const bad of [
      "https://evil.example/",
      "https://console.aws.amazon.com.evil.example/",
      "http://console.aws.amazon.com/",
      "https://console.amazonaws.cn/",
      "https://user@console.aws.amazon.com/",
      "//evil.example/x",
      "javascript:alert(1)",
    ]
  ) {
    assert.throws(() => consoleDestination({ destination: bad }, aws), UsageError, bad);
  }
  assert.throws(() => consoleDestination({ region: "moon-1" }, aws), UsageError);
  const gov = consoleEndpoints("aws-us-gov");
  assert.equal(
    consoleDestination({ region: "us-gov-west-1" }, gov),
    "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1",
  );
});

const CREDENTIALS: SessionCredentials & { expiration: string; roleArn: string } = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12",
  secretAccessKey: "secret/key+example",
  sessionToken: "session-token-example",
  expiration: "2030-01-01T00:00:00Z",
  roleArn: "arn:aws:iam::123456789012:role/dev",
};

function quietLog(lines: string[] = []) {
  return createLog({ debug: true, stderr: (text) => lines.push(text), terminal: undefined });
}

/** A fetch that answers each request from `answers` in turn and records the URLs. */
function scripted(answers: Array<[number, string]>) {
  const urls: URL[] = [];
  const fake = (input: string | URL | Request) => {
    urls.push(new URL(input instanceof Request ? input.url : input));
    const [status, body] = answers.shift() ?? [500, ""];
    return Promise.resolve(new Response(body, { status }));
  };
  return { urls, fetch: fake as typeof fetch };
}

Deno.test("the Session JSON is exactly sessionId, sessionKey and sessionToken", async () => {
  assert.deepEqual(Object.keys(JSON.parse(sessionJson(CREDENTIALS))), ["sessionId", "sessionKey", "sessionToken"]);
  const server = scripted([[200, '{"SigninToken":"tok-123"}']]);
  const token = await signinToken(
    { federationUrl: "https://signin.aws.amazon.com/federation", credentials: CREDENTIALS },
    { log: quietLog(), fetch: server.fetch },
  );
  assert.equal(token, "tok-123");
  const sent = server.urls[0];
  assert.equal(sent.origin + sent.pathname, "https://signin.aws.amazon.com/federation");
  assert.equal(sent.searchParams.get("Action"), "getSigninToken");
  assert.equal(sent.searchParams.has("SessionDuration"), false, "left out by default");
  assert.deepEqual(JSON.parse(sent.searchParams.get("Session")!), {
    sessionId: CREDENTIALS.accessKeyId,
    sessionKey: CREDENTIALS.secretAccessKey,
    sessionToken: CREDENTIALS.sessionToken,
  });
});

Deno.test("a 400 to SessionDuration is retried once without it; other refusals are explained", async () => {
  const lines: string[] = [];
  const retried = scripted([[400, "<html>bad</html>"], [200, '{"SigninToken":"tok-456"}']]);
  const request = {
    federationUrl: "https://signin.aws.amazon.com/federation",
    credentials: CREDENTIALS,
    sessionDuration: 7200,
  };
  assert.equal(await signinToken(request, { log: quietLog(lines), fetch: retried.fetch }), "tok-456");
  assert.deepEqual(retried.urls.map((url) => url.searchParams.get("SessionDuration")), ["7200", null]);
  assert.match(lines.join(""), /refused SessionDuration=7200; retrying without it/);
  assert.ok(!lines.join("").includes("tok-456"), "the token is never logged");
  assert.ok(!lines.join("").includes(CREDENTIALS.secretAccessKey));

  const twice = scripted([[400, ""], [400, ""]]);
  await assert.rejects(signinToken(request, { log: quietLog(), fetch: twice.fetch }), AwsOidcError);
  assert.equal(twice.urls.length, 2, "only one retry");

  const noDuration = scripted([[400, ""]]);
  await assert.rejects(
    signinToken({ ...request, sessionDuration: undefined }, { log: quietLog(), fetch: noDuration.fetch }),
  );
  assert.equal(noDuration.urls.length, 1, "no retry without SessionDuration");

  for (const status of [401, 403]) {
    const refused = scripted([[status, "denied"]]);
    await assert.rejects(
      signinToken(request, { log: quietLog(), fetch: refused.fetch }),
      (error) =>
        error instanceof AwsOidcError && error.exitCode === 1 &&
        /must be temporary credentials from STS/.test(error.hint!) && refused.urls.length === 1,
    );
  }
  const garbage = scripted([[200, "<html>not json</html>"]]);
  await assert.rejects(
    signinToken(request, { log: quietLog(), fetch: garbage.fetch }),
    /answered without a SigninToken/,
  );
});

Deno.test("regression: a network error naming the request URL does not carry the credentials into --debug", async () => {
  // Deno's fetch error names the URL it failed on, and that URL holds the Session JSON, percent-encoded.
  const down = ((input: URL) =>
    Promise.reject(
      new TypeError("fetch failed", { cause: new Error(`error sending request for url (${input.href}): dns error`) }),
    )) as typeof fetch;
  const request = { federationUrl: "https://signin.aws.amazon.com/federation", credentials: CREDENTIALS };
  const error = await signinToken(request, { log: quietLog(), fetch: down }).catch((error) => error);
  assert.ok(error instanceof AwsOidcError);
  assert.match(error.message, /Cannot reach the AWS federation endpoint/);
  const rendered = renderError(error, true);
  assert.match(rendered, /error sending request for url \(https:\/\/signin\.aws\.amazon\.com\/federation\?…\): dns/);
  for (const leak of ["Session", "secret", "session-token", "ASIAEXAMPLE"]) assert.ok(!rendered.includes(leak), leak);
});

Deno.test("the login URL carries Action=login, Issuer, Destination and the SigninToken", () => {
  const url = new URL(
    consoleLoginUrl("https://signin.amazonaws.cn/federation", {
      signinToken: "tok&=?",
      destination: "https://console.amazonaws.cn/s3/home?region=cn-north-1",
    }),
  );
  assert.equal(url.origin + url.pathname, "https://signin.amazonaws.cn/federation");
  assert.deepEqual([...url.searchParams.keys()], ["Action", "Issuer", "Destination", "SigninToken"]);
  assert.equal(url.searchParams.get("Action"), "login");
  assert.equal(url.searchParams.get("Issuer"), "aws-oidc");
  assert.equal(url.searchParams.get("Destination"), "https://console.amazonaws.cn/s3/home?region=cn-north-1");
  assert.equal(url.searchParams.get("SigninToken"), "tok&=?");
});

Deno.test("login's command line: --region is the console's, --session-duration is checked before any login", () => {
  const input = loginInput("google", { region: "eu-west-1", roleArn: "arn:aws:iam::123456789012:role/dev" });
  assert.equal(input.region, "eu-west-1");
  assert.equal(input.flags.region, undefined, "STS keeps the provider's or profile's region");
  assert.equal(input.flags.role_arn, "arn:aws:iam::123456789012:role/dev");
  assert.equal(loginInput("google", { sessionDuration: "3600" }).sessionDuration, 3600);
  for (const bad of ["899", "43201", "1h", "", "-900"]) {
    assert.throws(() => loginInput("google", { sessionDuration: bad }), UsageError, bad);
  }
  assert.throws(() => loginInput("google", { region: "Europe" }), UsageError);
});
