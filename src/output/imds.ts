/**
 * An EC2 instance metadata service (IMDSv2 only) that knows one thing: the
 * role credentials, for tools that read nothing else (`exec --imds`,
 * `serve --imds`). It listens on 127.0.0.1 at a free port; the child finds it
 * through `AWS_EC2_METADATA_SERVICE_ENDPOINT`, so neither root nor
 * 169.254.169.254 is needed.
 *
 * - `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds: 1…21600`
 *   returns a session token (text) valid that long; a missing or out-of-range
 *   TTL gets 400.
 * - `GET /latest/meta-data/iam/security-credentials/` lists the role name;
 *   `GET …/security-credentials/<name>` returns
 *   `{"Code":"Success","LastUpdated","Type":"AWS-HMAC","AccessKeyId","SecretAccessKey","Token","Expiration"}`.
 *   Both need `X-aws-ec2-metadata-token` with a live session token, else 401:
 *   IMDSv1 (no token) is refused, as on an instance with `HttpTokens=required`.
 *   Every other path gets 404 (the SDKs then fall back from
 *   `security-credentials-extended` to the paths above).
 * - A request carrying `X-Forwarded-For` gets 403, as EC2 refuses a token
 *   request that came through a proxy; so does a foreign `Host` (DNS
 *   rebinding), which EC2 has no need to check.
 *
 * botocore (the AWS CLI, boto3) stretches instance metadata credentials that
 * have less than 10 minutes plus a 2-10 minute jitter left to now + that much,
 * so it would sign with expired ones: {@link forImds} renews them sooner.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
 */
import { type CredentialEntry, refreshWindow } from "../cache/entries.ts";
import type { Provider } from "../config/provider.ts";
import { parseRoleArn } from "../config/arn.ts";
import { AwsOidcError } from "../errors.ts";
import { type Log, redact } from "../log.ts";
import { constantTimeEqual, listen, type ListenAddress, randomBase64Url, shared } from "./_endpoint.ts";

/** A started IMDS emulation; disposing of it closes it. */
export interface ImdsServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/`. */
  endpoint: string;
  /** The variable a child gets. */
  variables: Record<string, string>;
  /** Stops listening; requests in flight are answered first. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startImdsServer}. */
export interface ImdsServerOptions {
  /** Current credentials; called on every authorized credentials request (it refreshes through the cache). */
  credentials: () => Promise<CredentialEntry>;
  /** The name under `security-credentials/` (see {@link imdsRoleName}). */
  roleName: string;
  log?: Log;
  /** Where to listen; default 127.0.0.1 on a free port. */
  listen?: ListenAddress;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** Variables that would keep an SDK from asking the emulation (removed from the child's environment). */
export const IMDS_CONFLICTING_VARIABLES = ["AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"];

/** The longest session token EC2 grants (6 hours). */
export const MAX_TOKEN_TTL_SECONDS = 21600;

/** Live session tokens kept at most; the oldest goes first. A client asks for one per credential fetch. */
const MAX_TOKENS = 1024;

const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
const TEXT_HEADERS = { "content-type": "text/plain", "cache-control": "no-store" };

/**
 * Seconds of life credentials served as instance metadata keep at least: botocore
 * stretches those with less than 600 + 600 (its jitter's maximum) seconds left, so more
 * than that, with a minute to spare.
 */
export const IMDS_MIN_REMAINING_SECONDS = 1260;

/**
 * The provider with a refresh window of at least {@link IMDS_MIN_REMAINING_SECONDS}, for
 * an IMDS endpoint's credential source; unchanged otherwise.
 */
export function forImds<T extends Pick<Provider, "duration" | "refreshWindow">>(provider: T): T {
  return { ...provider, refreshWindow: Math.max(refreshWindow(provider), IMDS_MIN_REMAINING_SECONDS) };
}

/**
 * Starts the emulation for `provider`'s credentials, fetched by `get` with the
 * refresh window of {@link forImds}; warns when the sessions are too short for that.
 */
export function startImdsFor(
  provider: Provider,
  get: (provider: Provider) => Promise<CredentialEntry>,
  options: { log: Log; listen?: ListenAddress },
): ImdsServer {
  if (provider.duration <= IMDS_MIN_REMAINING_SECONDS) {
    options.log.warn(
      `Sessions of ${provider.duration} seconds are too short for instance metadata: botocore (the AWS CLI, boto3) ` +
        `treats credentials with less than ${IMDS_MIN_REMAINING_SECONDS / 60} minutes left as if they lasted ` +
        "longer, and would use them after they expire; use a duration of 3600 or more",
    );
  }
  const renewed = forImds(provider);
  return startImdsServer({
    ...options,
    credentials: () => get(renewed),
    roleName: imdsRoleName(provider.chain.at(-1) ?? provider.roleArn),
  });
}

/** The role name an instance profile would show for `roleArn`: its last path part. */
export function imdsRoleName(roleArn: string): string {
  return parseRoleArn(roleArn)?.name ?? "aws-oidc";
}

/** Binds the emulation (default 127.0.0.1 at a free port) and starts answering. */
export function startImdsServer(options: ImdsServerOptions): ImdsServer {
  const now = options.now ?? Date.now;
  const log = options.log;
  /** Session token → when it expires (ms). Insertion order is age order. */
  const tokens = new Map<string, number>();
  const current = shared(options.credentials);

  const issueToken = (request: Request): Response => {
    const header = request.headers.get("x-aws-ec2-metadata-token-ttl-seconds");
    const ttl = header !== null && /^\d{1,5}$/.test(header.trim()) ? Number(header.trim()) : NaN;
    if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) {
      log?.debug("IMDS: refused a token request without a TTL of 1-21600 seconds");
      return text(400, "Bad Request");
    }
    const time = now();
    for (const [token, expires] of tokens) if (expires <= time) tokens.delete(token);
    while (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value!);
    const token = randomBase64Url(32);
    log?.secret(token);
    tokens.set(token, time + ttl * 1000);
    return new Response(token, {
      status: 200,
      headers: { ...TEXT_HEADERS, "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) },
    });
  };

  const liveToken = (request: Request): boolean => {
    const given = request.headers.get("x-aws-ec2-metadata-token");
    if (given === null) return false;
    const time = now();
    for (const [token, expires] of tokens) {
      if (constantTimeEqual(given, token)) return expires > time;
    }
    return false;
  };

  const handle = async (request: Request): Promise<Response> => {
    if (request.headers.has("x-forwarded-for")) {
      log?.debug("IMDS: refused a request that came through a proxy (X-Forwarded-For)");
      return text(403, "Forbidden");
    }
    const path = new URL(request.url).pathname;
    if (path === "/latest/api/token") {
      if (request.method !== "PUT") return text(405, "Method Not Allowed", { allow: "PUT" });
      return issueToken(request);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text(405, "Method Not Allowed", { allow: "GET, HEAD" });
    }
    if (!liveToken(request)) {
      log?.debug("IMDS: refused a request without a live session token (IMDSv1, or an expired or wrong token)");
      return text(401, "Unauthorized");
    }
    if (path === CREDENTIALS_PATH || path === CREDENTIALS_PATH.slice(0, -1)) return text(200, options.roleName);
    if (path !== CREDENTIALS_PATH + options.roleName && path !== `${CREDENTIALS_PATH}${options.roleName}/`) {
      return text(404, "Not Found");
    }
    try {
      const entry = await current();
      log?.secret(entry.secretAccessKey);
      log?.secret(entry.sessionToken);
      const expiration = new Date(entry.expiration);
      if (Number.isNaN(expiration.getTime())) {
        throw new AwsOidcError(`Credentials have an invalid expiration: "${entry.expiration}"`);
      }
      log?.debug(`IMDS: served credentials expiring ${expiration.toISOString()}`);
      return new Response(
        JSON.stringify({
          Code: "Success",
          LastUpdated: imdsTime(new Date(now())),
          Type: "AWS-HMAC",
          AccessKeyId: entry.accessKeyId,
          SecretAccessKey: entry.secretAccessKey,
          Token: entry.sessionToken,
          Expiration: imdsTime(expiration),
        }),
        { status: 200, headers: TEXT_HEADERS },
      );
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error));
      log?.warn(`The instance metadata emulation could not get credentials: ${message}`);
      return text(500, "Internal Server Error");
    }
  };

  const refuseHost = () => {
    log?.debug("IMDS: refused a request with a foreign Host header (possible DNS rebinding)");
    return text(403, "Forbidden");
  };
  const { server, authority } = listen(options.listen ?? {}, "instance metadata emulation", { handle, refuseHost });
  const endpoint = `http://${authority}/`;
  let closing: Promise<void> | undefined;
  const close = () => closing ??= server.shutdown();
  return {
    endpoint,
    variables: { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** `2026-12-01T23:00:00Z`: IMDS writes whole seconds. */
function imdsTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...TEXT_HEADERS, ...headers } });
}
