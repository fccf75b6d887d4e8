/**
 * The work of `aws-oidc login <provider|profile>`: the AWS console, signed in with the
 * provider's credentials (from the cache, logging in if needed), opened with
 * the provider's `agent`, so it lands in the browser profile configured for it.
 * The agent gets a one-time loopback link, never the sign-in URL itself (a
 * command line is readable by every local user). `--print` prints the sign-in
 * URL instead.
 */
import { UsageError } from "../errors.ts";
import type { FlagValues } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import { consoleEndpoints, partitionOfRole } from "../config/partition.ts";
import {
  consoleDestination,
  consoleLoginUrl,
  isRegionName,
  MAX_SESSION_DURATION,
  MIN_SESSION_DURATION,
  signinToken,
} from "../aws/console.ts";
import { getCredentials } from "../aws/credentials.ts";
import { currentPlatform, openBrowser, openOneTimeLink } from "../oidc/mod.ts";
import { type AuthOptions, providerFlagValues } from "./flags.ts";
import { openSession } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The flags of `login` itself. */
export interface LoginFlags {
  print?: boolean;
  destination?: string;
  sessionDuration?: string;
}

/** What `login` was asked to do. */
export interface LoginInput {
  name: string;
  /** Provider flags, without `region` (that is {@link LoginInput.region}). */
  flags: FlagValues;
  cache: AuthOptions;
  globals: GlobalOptions;
  print: boolean;
  destination?: string;
  /** The console region. */
  region?: string;
  sessionDuration?: number;
}

/** Parses and checks the command line, before anything costs a login. */
export function loginInput(
  name: string,
  options: GlobalOptions & AuthOptions & LoginFlags & Record<string, unknown>,
): LoginInput {
  const { region, ...flags } = providerFlagValues(options);
  const consoleRegion = region === undefined ? undefined : [region].flat().at(-1)!;
  if (consoleRegion !== undefined && !isRegionName(consoleRegion)) {
    throw new UsageError(`--region "${consoleRegion}" is not an AWS region name`, {
      hint: "e.g. us-east-1 or cn-north-1",
    });
  }
  let sessionDuration: number | undefined;
  if (options.sessionDuration !== undefined) {
    const text = options.sessionDuration.trim();
    sessionDuration = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(sessionDuration >= MIN_SESSION_DURATION && sessionDuration <= MAX_SESSION_DURATION)) {
      throw new UsageError(
        `--session-duration "${options.sessionDuration}" is outside ${MIN_SESSION_DURATION}-${MAX_SESSION_DURATION} seconds`,
        { hint: "give whole seconds, e.g. 3600, or leave it out to match the credentials' lifetime" },
      );
    }
  }
  return {
    name,
    flags,
    cache: options,
    globals: options,
    print: options.print ?? false,
    destination: options.destination,
    region: consoleRegion,
    sessionDuration,
  };
}

/** The outside world of {@link login}, injectable for tests. */
export interface LoginDeps {
  fetch?: typeof fetch;
  /** Opens the (one-time loopback) URL with the provider's agent. */
  open?: (url: string, provider: Provider) => void;
}

/** Gets credentials, exchanges them for a console sign-in URL, and opens or prints it. */
export async function login(input: LoginInput, context: CliContext, deps: LoginDeps = {}): Promise<void> {
  const session = openSession({ ...input, profiles: true }, context);
  const { log } = session;
  const provider = await session.provider();
  // The role the credentials are for: the last of a chain.
  const roleArn = provider.chain.at(-1) ?? provider.roleArn;
  const partition = partitionOfRole(roleArn);
  const endpoints = consoleEndpoints(partition, { signinUrl: provider.signinUrl });
  // A wrong destination or region must not cost a login.
  const destination = consoleDestination({ destination: input.destination, region: input.region }, endpoints);
  let sessionDuration = input.sessionDuration;
  if (sessionDuration !== undefined && provider.chain.length) {
    log.warn("AWS refuses SessionDuration for credentials from role chaining; leaving it out");
    sessionDuration = undefined;
  }

  const credentials = await getCredentials(provider, await session.deps(), await session.mode());
  const token = await signinToken(
    { federationUrl: endpoints.federationUrl, credentials, sessionDuration },
    { log, fetch: deps.fetch },
  );
  const url = consoleLoginUrl(endpoints.federationUrl, { signinToken: token, destination });
  log.secret(url);
  if (input.print) {
    log.info(`Console sign-in URL for ${roleArn} in ${partition}: it signs anyone in for 15 minutes, keep it private`);
    context.stdout(`${url}\n`);
    return;
  }
  log.info(`Opening the AWS console for ${roleArn} in ${partition}`);
  await openOneTimeLink(url, (link) => (deps.open ?? openWithAgent)(link, provider), {
    log,
    what: "the AWS console",
  });
}

function openWithAgent(url: string, provider: Provider): void {
  openBrowser(url, provider.agent, currentPlatform());
}
