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
import { removing } from "./dispose.ts";

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

/**
 * The running world. Disposing of it calls its `close`, so a world extended as `{ ...world, close() {…} }` is
 * disposed of through the new `close`.
 */
export interface World extends AsyncDisposable {
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
  /** Removes the HOME, and stops the browser and the servers. */
  close(): Promise<void>;
}

/** Starts a world; the caller closes it: `await using world = await startWorld(…)` (or use {@link withWorld}). */
export async function startWorld(options: WorldOptions): Promise<World> {
  // Whatever started is stopped again if a later part fails to start.
  await using started = new AsyncDisposableStack();
  const idp = started.use(await startIdp(options.idp));
  const trust = { issuer: idp.issuer, audience: idp.publicClientId };
  const roles = typeof options.roles === "function"
    ? options.roles(trust)
    : options.roles.map((arn) => ({ arn, trust }));
  const sts = started.use(
    await startSts({
      providers: [{ url: idp.issuer, clientIds: [idp.publicClientId] }],
      roles,
      ...options.sts,
    }),
  );
  const agent = started.use(await chromiumAgent(options.agent));
  const home = await makeHome(options.config?.({ idp, sts, agent }) ?? "");
  started.use(removing(home));
  if (options.awsConfig !== undefined) await Deno.writeTextFile(join(home, ".aws", "config"), options.awsConfig);
  const configPath = join(home, ".aws-oidc", "config");
  const owned = started.move();
  return {
    idp,
    sts,
    agent,
    home,
    env: cleanEnv(home, options.env),
    configPath,
    writeConfig: (toml) => Deno.writeTextFile(configPath, toml),
    // The HOME first, then the browser, the IdP and STS: the reverse of their start.
    close: () => owned.disposeAsync(),
    [Symbol.asyncDispose](this: World) {
      return this.close();
    },
  };
}

/** Runs `test` in a fresh world, closed afterwards whatever happens. */
export async function withWorld<T>(options: WorldOptions, test: (world: World) => Promise<T>): Promise<T> {
  await using world = await startWorld(options);
  return await test(world);
}

/** The servers a config file points at. */
export interface Servers {
  idp: Pick<TestIdp, "issuer" | "publicClientId">;
  sts: Pick<StsStandIn, "url">;
  agent: Pick<ChromiumAgent, "toml">;
}

/**
 * One `[[AuthProvider]]` table for the world's IdP (its public client), STS stand-in and browser agent: `name`
 * ("idp" unless given), `role_arn` when a `role` is given, then `fields`, each a line of TOML (`timeout = 60`).
 * Top-level keys go before it (TOML puts them above the first table).
 */
export function providerTable(
  servers: Servers,
  options: { name?: string; role?: string; agent?: string; fields?: string[] } = {},
): string {
  return [
    "",
    "[[AuthProvider]]",
    `name = "${options.name ?? "idp"}"`,
    ...(options.role === undefined ? [] : [`role_arn = "${options.role}"`]),
    `provider_url = "${servers.idp.issuer}"`,
    `client_id = "${servers.idp.publicClientId}"`,
    `sts_endpoint = "${servers.sts.url}"`,
    `agent = ${options.agent ?? servers.agent.toml}`,
    ...(options.fields ?? []),
    "",
  ].join("\n");
}
