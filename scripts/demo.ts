/**
 * `deno task demo`: the whole flow with no IdP and no AWS account.
 *
 * Starts the test identity provider (oidc-provider) and the STS stand-in on
 * 127.0.0.1, writes a throwaway config, runs `aws-oidc auth demo` (your
 * browser when there is a display, headless Chromium otherwise), then prints
 * the credentials and the caller identity they yield.
 */
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIdp } from "../tests/fixtures/idp.ts";
import { startSts } from "../tests/fixtures/sts.ts";
import { type ChromiumAgent, chromiumAgent } from "../tests/helpers/chromium.ts";
import { cliCommand } from "../tests/helpers/cli.ts";

const ROLE = "arn:aws:iam::123456789012:role/demo";

function hasDisplay(): boolean {
  if (Deno.build.os !== "linux") return true;
  return Boolean(Deno.env.get("DISPLAY") || Deno.env.get("WAYLAND_DISPLAY"));
}

async function main(): Promise<number> {
  const idp = await startIdp();
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.publicClientId] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.publicClientId } }],
  });
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-demo-" });
  let browser: ChromiumAgent | undefined;
  try {
    browser = hasDisplay() ? undefined : await chromiumAgent();
    const configPath = join(dir, "config");
    await Deno.writeTextFile(
      configPath,
      `region = "us-east-1"

[[AuthProvider]]
name = "demo"
role_arn = "${ROLE}"
duration = 900
provider_url = "${idp.issuer}"
client_id = "${idp.publicClientId}"
sts_endpoint = "${sts.url}"
timeout = 120
${browser ? `agent = ${browser.toml}` : "# no agent: your default browser opens"}
`,
    );
    console.log(`Identity provider: ${idp.issuer} (oidc-provider, logs in "test-user" automatically)`);
    console.log(`STS stand-in:      ${sts.url}`);
    console.log(`Browser:           ${browser ? "headless Chromium (no display found)" : "your default browser"}`);
    console.log(`Config:            ${configPath}\n`);
    console.log(`$ aws-oidc auth demo --config ${configPath}`);

    const [program, ...args] = cliCommand();
    const run = await new Deno.Command(program, {
      args: [...args, "auth", "demo", "--config", configPath],
      stdout: "piped",
      stderr: "inherit",
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(run.stdout);
    if (run.code !== 0) {
      console.error(`aws-oidc exited with ${run.code}`);
      return 1;
    }
    console.log(stdout);
    const output = JSON.parse(stdout);

    const client = new STSClient({
      region: "us-east-1",
      endpoint: sts.url,
      credentials: {
        accessKeyId: output.AccessKeyId,
        secretAccessKey: output.SecretAccessKey,
        sessionToken: output.SessionToken,
      },
    });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    client.destroy();
    console.log("$ aws sts get-caller-identity   (SigV4-signed with those credentials)");
    console.log(JSON.stringify({ UserId: identity.UserId, Account: identity.Account, Arn: identity.Arn }, null, 2));
    console.log(
      `\nIdP: ${idp.counters.authorizations} authorization, ${idp.counters.codeGrants} code grant; ` +
        `STS: ${sts.counters.assumeRoleWithWebIdentity} AssumeRoleWithWebIdentity, ${sts.counters.getCallerIdentity} GetCallerIdentity`,
    );
    return 0;
  } finally {
    await browser?.stop();
    await idp.close();
    await sts.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.exit(await main());
