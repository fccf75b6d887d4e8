/**
 * The world of the refusal tests: the hostile IdP fixture in one of its modes, the STS stand-in trusting it, and a
 * temporary HOME whose config names one provider for them, with a redirect follower as the browser, so each run
 * takes well under a second.
 */
import { join } from "node:path";
import { type HostileIdp, type HostileMode, startHostileIdp } from "../fixtures/hostile_idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { cleanEnv, type CliRun, makeHome, redirectFollowerAgent, runCli } from "./cli.ts";
import { removing } from "./dispose.ts";

/** The running world; disposing of it stops the servers and removes the HOME. */
export interface HostileWorld extends AsyncDisposable {
  idp: HostileIdp;
  sts: StsStandIn;
  home: string;
  /** `~/.aws-oidc/cache`. */
  cache: string;
  /** Runs `aws-oidc auth <name>`. */
  auth(): Promise<CliRun>;
}

/** Starts it: the provider `name` assumes `role`; `settings` are further lines of its TOML table. */
export async function startHostileWorld(
  mode: HostileMode,
  options: { name: string; role: string; settings?: string },
): Promise<HostileWorld> {
  // Whatever started is stopped again if a later part fails to start.
  await using started = new AsyncDisposableStack();
  const idp = started.use(await startHostileIdp(mode));
  const sts = started.use(
    await startSts({
      providers: [{ url: idp.issuer, clientIds: [idp.clientId] }],
      roles: [{ arn: options.role, trust: { issuer: idp.issuer, audience: idp.clientId } }],
    }),
  );
  const home = await makeHome(`
[[AuthProvider]]
name = "${options.name}"
role_arn = "${options.role}"
provider_url = "${idp.issuer}"
client_id = "${idp.clientId}"
sts_endpoint = "${sts.url}"
agent = ${redirectFollowerAgent()}
${options.settings ?? ""}
`);
  started.use(removing(home));
  const owned = started.move();
  return {
    idp,
    sts,
    home,
    cache: join(home, ".aws-oidc", "cache"),
    auth: () => runCli(["auth", options.name], cleanEnv(home)),
    [Symbol.asyncDispose]: () => owned.disposeAsync(),
  };
}
