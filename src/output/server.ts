/**
 * A credential server for long runs (`exec --server`): the AWS container
 * credentials protocol on 127.0.0.1, so a child's SDK fetches fresh
 * credentials whenever its own copy nears expiry instead of holding one
 * session for the whole run.
 *
 * The child gets `AWS_CONTAINER_CREDENTIALS_FULL_URI` (a random path on a
 * random port) and `AWS_CONTAINER_AUTHORIZATION_TOKEN`; the JS SDK reads them
 * with `fromHttp` (first in the default chain), botocore and the other SDKs
 * with their container provider. Every request must name `127.0.0.1:<port>`
 * as its Host (a web page reaching us through DNS rebinding cannot), GET the
 * exact path, and send the token verbatim in `Authorization`.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 */
import type { CredentialEntry } from "../cache/entries.ts";
import { AwsOidcError } from "../errors.ts";
import { type Log, redact } from "../log.ts";

/** A started credential server. */
export interface CredentialServer {
  /** `http://127.0.0.1:<port>/creds/<random>`. */
  url: string;
  /** The authorization token: 32 random bytes, base64url. */
  token: string;
  /** The two variables a child gets. */
  variables: Record<string, string>;
  /** Stops listening; requests in flight are answered first. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startCredentialServer}. */
export interface CredentialServerOptions {
  /** Current credentials; called on every authorized request (it refreshes through the cache). */
  credentials: () => Promise<CredentialEntry>;
  log?: Log;
  /** Called when `credentials` fails; the client gets a 500 either way. */
  onError?: (error: unknown) => void;
}

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };
const encoder = new TextEncoder();

/** Binds the server on 127.0.0.1 at a random port and starts answering. */
export function startCredentialServer(options: CredentialServerOptions): CredentialServer {
  const token = randomBase64Url(32);
  const path = `/creds/${randomBase64Url(16)}`;
  const tokenBytes = encoder.encode(token);
  options.log?.secret(token);

  // Concurrent requests share one call of `credentials`.
  let pending: Promise<CredentialEntry> | undefined;
  const current = () => {
    pending ??= options.credentials().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  let allowedHost = "";
  const handle = async (request: Request): Promise<Response> => {
    if (request.headers.get("host") !== allowedHost) {
      options.log?.debug("credential server: refused a request with a foreign Host header (possible DNS rebinding)");
      return errorResponse(403, { Code: "Forbidden", Message: `Host must be "${allowedHost}"` });
    }
    if (new URL(request.url).pathname !== path) {
      return errorResponse(404, { Code: "NotFound", Message: "No such resource" });
    }
    if (request.method !== "GET") {
      return errorResponse(405, { Code: "MethodNotAllowed", Message: "Only GET is allowed" }, { allow: "GET" });
    }
    const authorization = request.headers.get("authorization");
    if (authorization === null) {
      options.log?.debug("credential server: refused a request without an Authorization header");
      return errorResponse(401, { Code: "Unauthorized", Message: "The Authorization header is missing" });
    }
    if (!constantTimeEqual(encoder.encode(authorization), tokenBytes)) {
      options.log?.debug("credential server: refused a request with a wrong authorization token");
      return errorResponse(403, { Code: "Forbidden", Message: "The authorization token is wrong" });
    }
    try {
      const entry = await current();
      options.log?.secret(entry.secretAccessKey);
      options.log?.secret(entry.sessionToken);
      const expiration = new Date(entry.expiration);
      if (Number.isNaN(expiration.getTime())) {
        throw new AwsOidcError(`Credentials have an invalid expiration: "${entry.expiration}"`);
      }
      options.log?.debug(`credential server: served credentials expiring ${expiration.toISOString()}`);
      return new Response(
        JSON.stringify({
          AccessKeyId: entry.accessKeyId,
          SecretAccessKey: entry.secretAccessKey,
          Token: entry.sessionToken,
          Expiration: expiration.toISOString(),
        }),
        { status: 200, headers: JSON_HEADERS },
      );
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error));
      options.log?.warn(`The credential server could not get credentials: ${message}`);
      options.onError?.(error);
      return errorResponse(500, { Code: "CredentialsUnavailable", Message: message });
    }
  };

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
      onError: () => errorResponse(500, { Code: "InternalError", Message: "Internal error" }),
    }, handle);
  } catch (error) {
    throw new AwsOidcError(`Cannot listen on 127.0.0.1 for the credential server: ${(error as Error).message}`, {
      cause: error,
    });
  }
  allowedHost = `127.0.0.1:${server.addr.port}`;
  const url = `http://${allowedHost}${path}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    token,
    variables: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
    close: () => closing ??= server.shutdown(),
  };
}

/** The error shape the SDKs read from a container credentials endpoint. */
function errorResponse(
  status: number,
  body: { Code: string; Message: string },
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

function randomBase64Url(size: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Compares without an early exit, so timing does not tell how much of a guess was right. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  // The length is public (a base64url of 32 bytes); the content is not.
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}
