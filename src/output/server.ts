/**
 * A credential server for long runs (`exec --server`, `serve`): the AWS
 * container credentials protocol on 127.0.0.1 (or the address `serve --listen`
 * names), so a client's SDK fetches fresh credentials whenever its own copy
 * nears expiry instead of holding one session for the whole run.
 *
 * The child gets `AWS_CONTAINER_CREDENTIALS_FULL_URI` (a random path on a
 * random port) and `AWS_CONTAINER_AUTHORIZATION_TOKEN`; the JS SDK reads them
 * with `fromHttp` (first in the default chain), botocore and the other SDKs
 * with their container provider. Every request must name `<address>:<port>`
 * as its Host (a web page reaching us through DNS rebinding cannot), GET the
 * exact path, and send the token verbatim in `Authorization`.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 */
import type { CredentialEntry } from "../cache/entries.ts";
import { AwsOidcError } from "../errors.ts";
import { type Log, redact } from "../log.ts";
import { constantTimeEqual, listen, type ListenAddress, randomBase64Url, shared } from "./_endpoint.ts";

export type { ListenAddress } from "./_endpoint.ts";

/** A started credential server; disposing of it closes it. */
export interface CredentialServer extends AsyncDisposable {
  /** `http://<address>:<port>/creds/<random>`. */
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
  /** Where to listen; default 127.0.0.1 on a free port. */
  listen?: ListenAddress;
}

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

/** Binds the server (default 127.0.0.1 at a free port) and starts answering. */
export function startCredentialServer(options: CredentialServerOptions): CredentialServer {
  const token = randomBase64Url(32);
  const path = `/creds/${randomBase64Url(16)}`;
  options.log?.secret(token);

  // Concurrent requests share one call of `credentials`.
  const current = shared(options.credentials);

  const refuseHost = () => {
    options.log?.debug("credential server: refused a request with a foreign Host header (possible DNS rebinding)");
    return errorResponse(403, { Code: "Forbidden", Message: `Host must be "${authority}"` });
  };
  const handle = async (request: Request): Promise<Response> => {
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
    if (!constantTimeEqual(authorization, token)) {
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

  const { server, authority } = listen(options.listen ?? {}, "credential server", { handle, refuseHost });
  const url = `http://${authority}${path}`;

  let closing: Promise<void> | undefined;
  const close = () => closing ??= server.shutdown();
  return {
    url,
    token,
    variables: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
    close,
    [Symbol.asyncDispose]: close,
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
