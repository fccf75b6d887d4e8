/**
 * What the two credential endpoints (the container credentials server and the
 * IMDSv2 emulation) share: the listening socket, the `Host` they answer to,
 * random secrets compared in constant time, and one shared call of the
 * credential source for concurrent requests.
 */
import { AwsOidcError } from "../errors.ts";

/** Where an endpoint listens. */
export interface ListenAddress {
  /** An IP address literal (IPv6 without brackets); default 127.0.0.1. */
  hostname?: string;
  /** Default 0: a free port. */
  port?: number;
}

/** A listening endpoint. */
export interface Listening {
  server: Deno.HttpServer<Deno.NetAddr>;
  /** `host:port` as a URL and a `Host` header spell it (IPv6 in brackets). */
  authority: string;
}

/**
 * Listens on `address`; every request whose `Host` header is not exactly the
 * listening `host:port` gets `refuse()` (a web page reaching the port through
 * DNS rebinding names its own host there).
 */
export function listen(
  address: ListenAddress,
  what: string,
  handlers: { handle: (request: Request) => Promise<Response> | Response; refuseHost: () => Response },
): Listening {
  const hostname = address.hostname ?? "127.0.0.1";
  let authority = "";
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname,
      port: address.port ?? 0,
      onListen: () => {},
      onError: () => new Response("Internal error", { status: 500 }),
    }, (request) => request.headers.get("host") === authority ? handlers.handle(request) : handlers.refuseHost());
  } catch (error) {
    throw new AwsOidcError(
      `Cannot listen on ${hostname}:${address.port ?? 0} for the ${what}: ${(error as Error).message}`,
      {
        hint: "check that the address belongs to this machine and that the port is free",
        cause: error,
      },
    );
  }
  authority = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.addr.port}`;
  return { server, authority };
}

/** `size` random bytes, base64url without padding. */
export function randomBase64Url(size: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const encoder = new TextEncoder();

/** Compares without an early exit, so timing does not tell how much of a guess was right. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  // The length is public (a base64url of a fixed size); the content is not.
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ right[i];
  return difference === 0;
}

/** Wraps `fn` so that calls made while one is running share its result. */
export function shared<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    pending ??= fn().finally(() => {
      pending = undefined;
    });
}
