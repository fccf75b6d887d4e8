/**
 * The AWS console sign-in URL: temporary credentials are exchanged at the
 * partition's federation endpoint for a sign-in token (`getSigninToken`), and
 * the token goes into an `Action=login` URL with an `Issuer` and a
 * `Destination` on the partition's console host.
 *
 * The sign-in URL is a bearer secret for 15 minutes: whoever opens it gets the
 * console session. Nothing here logs it or the token.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html
 */
import { AwsOidcError, UsageError } from "../errors.ts";
import { type Log, printable } from "../log.ts";
import { partitionOfRegion } from "../config/partition.ts";

/** The `Issuer` of the login URL: who sent the person to the console. */
export const ISSUER = "aws-oidc";

/** AWS's bounds for `SessionDuration`, in seconds. */
export const MIN_SESSION_DURATION = 900;
export const MAX_SESSION_DURATION = 43200;

const FEDERATION_TIMEOUT_MS = 30_000;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** Temporary credentials from STS: the only kind the federation endpoint takes. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * The `Session` parameter: exactly the three fields AWS expects, nothing else
 * (the credentials cache entry has more, and must not leak into the URL).
 */
export function sessionJson(credentials: SessionCredentials): string {
  return JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
}

/** True for a region name's shape (`eu-west-1`, `cn-north-1`, `us-gov-west-1`). */
export function isRegionName(region: string): boolean {
  return REGION.test(region);
}

/**
 * Where the console opens. Nothing: the console's home (`https://<console host>/`).
 * A path (`/s3/home`): on the partition's console host. A full URL: it must be
 * https on that host or one of its regional subdomains. `region` adds
 * `region=<region>` to the query (and lands on the console home when there is
 * no destination); it must belong to `partition`.
 */
export function consoleDestination(
  input: { destination?: string; region?: string },
  endpoints: { partition: string; consoleHost?: string },
): string {
  const { destination, region } = input;
  if (region !== undefined) {
    if (!isRegionName(region)) {
      throw new UsageError(`--region "${region}" is not an AWS region name`, { hint: "e.g. us-east-1 or cn-north-1" });
    }
    if (partitionOfRegion(region) !== endpoints.partition) {
      throw new UsageError(
        `Region "${region}" is in partition "${partitionOfRegion(region)}", the role in "${endpoints.partition}"`,
        { hint: `choose a region of the role's partition, or leave --region out` },
      );
    }
  }
  const base = endpoints.consoleHost ? `https://${endpoints.consoleHost}` : undefined;
  let url: URL;
  if (destination === undefined || destination === "") {
    if (!base) throw noConsoleHost(endpoints.partition);
    url = new URL(region ? "/console/home" : "/", base);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(destination)) {
    url = parseFullDestination(destination, endpoints);
  } else {
    if (!base) throw noConsoleHost(endpoints.partition);
    url = new URL(destination.startsWith("/") ? destination : `/${destination}`, base);
    if (url.origin !== base) throw badDestination(destination, endpoints.consoleHost);
  }
  if (region) url.searchParams.set("region", region);
  return url.href;
}

function parseFullDestination(destination: string, endpoints: { consoleHost?: string }): URL {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw badDestination(destination, endpoints.consoleHost);
  }
  const host = endpoints.consoleHost;
  const onConsole = host === undefined || url.hostname === host || url.hostname.endsWith(`.${host}`);
  if (url.protocol !== "https:" || url.username || url.password || url.port || !onConsole) {
    throw badDestination(destination, host);
  }
  return url;
}

function badDestination(destination: string, consoleHost: string | undefined): UsageError {
  return new UsageError(`--destination "${destination}" is not a console path or an https console URL`, {
    hint: consoleHost
      ? `give a path like /s3/home, or a URL on https://${consoleHost}/ (or a regional subdomain of it)`
      : "give a full https console URL",
  });
}

function noConsoleHost(partition: string): UsageError {
  return new UsageError(`The console host of partition "${partition}" is not known`, {
    hint: "give --destination as a full https console URL",
  });
}

/** Inputs of {@link signinToken}. */
export interface SigninTokenRequest {
  /** The federation endpoint, e.g. `https://signin.aws.amazon.com/federation`. */
  federationUrl: string;
  credentials: SessionCredentials;
  /** Console session length in seconds; undefined: left out, so the session lasts as long as the credentials. */
  sessionDuration?: number;
}

/** The outside world of {@link signinToken}. */
export interface SigninTokenDeps {
  log: Log;
  fetch?: typeof fetch;
}

/**
 * Asks the federation endpoint for a sign-in token. AWS refuses
 * `SessionDuration` for some credentials (role chaining, and web identity
 * sessions are not reliably documented) with a 400, so a 400 to a request that
 * carried it is retried once without it. Other refusals are explained.
 */
export async function signinToken(request: SigninTokenRequest, deps: SigninTokenDeps): Promise<string> {
  deps.log.secret(request.credentials.secretAccessKey);
  deps.log.secret(request.credentials.sessionToken);
  const first = await askForToken(request, deps);
  if (first.token !== undefined) return first.token;
  if (first.status === 400 && request.sessionDuration !== undefined) {
    deps.log.info(
      `The federation endpoint refused SessionDuration=${request.sessionDuration}; ` +
        "retrying without it (the console session then lasts as long as the credentials)",
    );
    const second = await askForToken({ ...request, sessionDuration: undefined }, deps);
    if (second.token !== undefined) return second.token;
    throw federationError(second.status, { ...request, sessionDuration: undefined });
  }
  throw federationError(first.status, request);
}

/** One `getSigninToken` request: the token, or the HTTP status that refused it. */
async function askForToken(
  request: SigninTokenRequest,
  deps: SigninTokenDeps,
): Promise<{ token?: string; status: number }> {
  const url = new URL(request.federationUrl);
  url.search = new URLSearchParams({
    Action: "getSigninToken",
    ...(request.sessionDuration !== undefined ? { SessionDuration: String(request.sessionDuration) } : {}),
    Session: sessionJson(request.credentials),
  }).toString();
  deps.log.debug(
    `asking ${request.federationUrl} for a sign-in token` +
      (request.sessionDuration !== undefined ? ` (SessionDuration=${request.sessionDuration})` : ""),
  );
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(FEDERATION_TIMEOUT_MS),
    });
  } catch (error) {
    throw new AwsOidcError(`Cannot reach the AWS federation endpoint "${request.federationUrl}"`, {
      hint: "check the network, and signin_url if you set it",
      cause: withoutQueries(error),
    });
  }
  const body = await response.text();
  if (!response.ok) {
    deps.log.debug(`the federation endpoint answered ${response.status}: ${printable(body, 200)}`);
    return { status: response.status };
  }
  let token: unknown;
  try {
    token = JSON.parse(body)?.SigninToken;
  } catch { /* reported below */ }
  if (typeof token !== "string" || token === "") {
    throw new AwsOidcError(`The federation endpoint "${request.federationUrl}" answered without a SigninToken`, {
      hint: "check signin_url: it must be the AWS federation endpoint, e.g. https://signin.aws.amazon.com/federation",
    });
  }
  deps.log.secret(token);
  return { token, status: response.status };
}

/**
 * The error chain as one error whose text has every URL's query removed:
 * fetch names the URL it failed on, and this one carries the credentials
 * (percent-encoded, so the log's redaction of the raw values would miss them).
 */
function withoutQueries(error: unknown): Error {
  const messages: string[] = [];
  for (let current = error; current !== undefined; current = (current as Error)?.cause) {
    messages.push(current instanceof Error ? current.message : String(current));
  }
  return new Error(messages.join(": ").replace(/(\bhttps?:\/\/[^\s?#)]*)\?[^\s)#]*/g, "$1?…"));
}

function federationError(status: number, request: SigninTokenRequest): AwsOidcError {
  if (status === 401 || status === 403) {
    return new AwsOidcError(`The AWS federation endpoint refused the credentials (HTTP ${status})`, {
      hint: "the credentials were refused by the federation endpoint: they must be temporary credentials from STS " +
        "of the same partition, not expired; run the command again with --no-cache for new ones",
    });
  }
  if (status === 400) {
    return new AwsOidcError(`The AWS federation endpoint refused the sign-in request (HTTP 400)`, {
      hint: request.sessionDuration !== undefined
        ? `SessionDuration=${request.sessionDuration} may exceed what these credentials allow; leave it out`
        : "the credentials may have expired or be from another partition; try again with --no-cache",
    });
  }
  return new AwsOidcError(`The AWS federation endpoint failed (HTTP ${status})`, {
    hint: status >= 500 ? "try again in a moment" : "check signin_url, and run with --debug for details",
  });
}

/**
 * The console login URL. It carries the sign-in token, so it is a bearer
 * secret for 15 minutes: print it only when asked, never log it.
 */
export function consoleLoginUrl(
  federationUrl: string,
  input: { signinToken: string; destination: string; issuer?: string },
): string {
  const url = new URL(federationUrl);
  url.search = new URLSearchParams({
    Action: "login",
    Issuer: input.issuer ?? ISSUER,
    Destination: input.destination,
    SigninToken: input.signinToken,
  }).toString();
  return url.href;
}
