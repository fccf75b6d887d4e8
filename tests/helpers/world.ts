/**
 * The "world" most end-to-end tests run in: the oidc-provider fixture, the STS
 * stand-in with the IdP registered for its public client, a headless Chromium
 * agent, and a temporary HOME holding the test's `~/.aws-oidc/config`.
 */
import { join } from "node:path";
import { type IdpOptions, startIdp, type TestIdp } from "../fixtures/idp.ts";
import { type RoleDefinition, startSts, type StsOptions, type StsStandIn } from "../fixtures/sts.ts";
import { type ChromiumAgent, chromiumAgent } from "./chromium.ts";
import { cleanEnv, makeHome } from "./cli.ts";

/** A web identity trust in the IdP's public client. */
export interface PublicTrust {
  issuer: string;
  audience: string;
}

/** What the world holds. */
export interface WorldOptions {
  /** Options for the IdP fixture. */
  idp?: IdpOptions;
  /** ARNs of roles that trust the IdP's public client, or the roles themselves, given that trust. */
  roles: string[] | ((trust: PublicTrust) => RoleDefinition[]);
  /** Further options for the STS stand-in (e.g. short-lived credentials). */
  sts?: Pick<StsOptions, "sessionSeconds">;
  /** Options for the Chromium agent. */
  agent?: { recordTo?: string };
  /** The `~/.aws-oidc/config`, written once the servers run; empty when absent. */
  config?(world: { idp: TestIdp; sts: StsStandIn; agent: ChromiumAgent }): string;
  /** The `~/.aws/config`, if any. */
  awsConfig?: string;
  /** Added to {@link cleanEnv}'s environment. */
  env?: Record<string, string>;
}

/** The running world. */
export interface World {
  idp: TestIdp;
  sts: StsStandIn;
  agent: ChromiumAgent;
  home: string;
  /** The environment for CLI runs in this world. */
  env: Record<string, string>;
  /** `~/.aws-oidc/config`. */
  configPath: string;
  /** Replaces `~/.aws-oidc/config`. */
  writeConfig(toml: string): Promise<void>;
  /** Stops the browser and the servers, and removes the HOME. */
  close(): Promise<void>;
}

/** Starts a world; the caller closes it (or use {@link withWorld}). */
export async function startWorld(options: WorldOptions): Promise<World> {
  const idp = await startIdp(options.idp);
  const trust = { issuer: idp.issuer, audience: idp.publicClientId };
  const roles = typeof options.roles === "function"
    ? options.roles(trust)
    : options.roles.map((arn) => ({ arn, trust }));
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.publicClientId] }],
    roles,
    ...options.sts,
  });
  const agent = await chromiumAgent(options.agent);
  const home = await makeHome(options.config?.({ idp, sts, agent }) ?? "");
  if (options.awsConfig !== undefined) await Deno.writeTextFile(join(home, ".aws", "config"), options.awsConfig);
  const configPath = join(home, ".aws-oidc", "config");
  return {
    idp,
    sts,
    agent,
    home,
    env: cleanEnv(home, options.env),
    configPath,
    writeConfig: (toml) => Deno.writeTextFile(configPath, toml),
    async close() {
      await agent.stop();
      await idp.close();
      await sts.close();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** Runs `test` in a fresh world, closed afterwards whatever happens. */
export async function withWorld<T>(options: WorldOptions, test: (world: World) => Promise<T>): Promise<T> {
  const world = await startWorld(options);
  try {
    return await test(world);
  } finally {
    await world.close();
  }
}
