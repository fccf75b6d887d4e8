/**
 * The loopback listener of the native-app login (RFC 8252 §7.3): bound to
 * 127.0.0.1, on a fresh random port unless the redirect URI fixes one; with
 * `localhost` it holds the same port on ::1 too, since browsers try ::1 first
 * and another local user could otherwise answer there.
 *
 * The start URL, on a random path (144 bits), redirects once to the IdP's
 * authorization URL, so the browser is opened on a short local URL and the
 * long one never sits on a process command line, and no second requester
 * learns its `state`, `nonce` or challenge. The callback path waits for the
 * one response carrying our `state`; anything else gets a 400 and the wait
 * goes on, so a web page cannot end or abort a login.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
import { AwsOidcError } from "../errors.ts";
import {
  DENIED_PAGE,
  DONE_PAGE,
  FORBIDDEN_PAGE,
  NOT_FOUND_PAGE,
  PAGE_HEADERS,
  STRAY_PAGE,
  SUCCESS_PAGE,
  USED_PAGE,
} from "./_pages.ts";

const MAX_URL_LENGTH = 8192;

/**
 * Why a login with a random port may never come back: some IdPs (Glewlwyd) compare redirect URIs with the port,
 * against RFC 8252 §7.3, and refuse every port but the registered one.
 */
const FIXED_PORT_ADVICE = "; if the IdP compares redirect URIs with the port (against RFC 8252 §7.3), register " +
  'one with a fixed port and set redirect_uri to it, e.g. "http://127.0.0.1:8400/auth/callback"';

/** A started listener; disposing of it closes it. */
export interface LoopbackListener extends AsyncDisposable {
  /** The redirect URI with the real port. */
  redirectUri: string;
  /** The URL to open in the browser. */
  startUrl: string;
  /**
   * Waits for the callback carrying `state`. `validate` runs on it (state is
   * already checked) and decides success; its error ends the login. Rejects on
   * timeout or abort. The listener is closed when this settles.
   */
  waitForCallback(options: WaitOptions): Promise<URLSearchParams>;
  close(): Promise<void>;
}

/** Options of {@link LoopbackListener.waitForCallback}. */
export interface WaitOptions {
  authorizationUrl: URL;
  state: string;
  validate: (params: URLSearchParams) => URLSearchParams;
  timeoutSeconds: number;
  onStray?: (reason: string) => void;
}

/** A random URL path of 144 bits (RFC 4648 base64url), not guessable by another local user. */
export function randomPath(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return "/" + btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

/** Servers bound to loopback on one port: 127.0.0.1, and ::1 too for `localhost`. */
export interface LoopbackServers {
  port: number;
  close(): Promise<void>;
}

const PORT_ATTEMPTS = 20;

/**
 * Binds `handler` on 127.0.0.1 at `port` (0: a free one) and, when `dualStack`,
 * on ::1 at the same port, so that `localhost` reaches us whichever address
 * the browser tries. A random port taken on ::1 is replaced by another; a
 * fixed one is refused. A machine without ::1 (IPv6 off) has nothing there
 * for anyone to take, so 127.0.0.1 alone is fine.
 */
export function bindLoopback(
  port: number,
  handler: (request: Request) => Response | Promise<Response>,
  options: { dualStack: boolean; purpose: string },
): LoopbackServers {
  const serve = (hostname: string, at: number) =>
    Deno.serve({
      hostname,
      port: at,
      onListen: () => {},
      onError: () => new Response("Internal error", { status: 500 }),
    }, handler);
  for (let attempt = 1;; attempt++) {
    let v4: Deno.HttpServer<Deno.NetAddr>;
    try {
      v4 = serve("127.0.0.1", port);
    } catch (error) {
      throw new AwsOidcError(`Cannot listen on 127.0.0.1:${port} for ${options.purpose}: ${(error as Error).message}`, {
        hint: port ? "another program uses that port; free it or use {port} in redirect_uri" : undefined,
        cause: error,
      });
    }
    const bound = v4.addr.port;
    const servers = [v4];
    if (options.dualStack) {
      try {
        servers.push(serve("::1", bound));
      } catch (error) {
        if (error instanceof Deno.errors.AddrInUse) {
          // Not awaited: a server that never served anything shuts down at once.
          v4.shutdown();
          if (port === 0 && attempt < PORT_ATTEMPTS) continue;
          throw new AwsOidcError(
            `Cannot listen on [::1]:${bound} for ${options.purpose}: another program holds it, and a browser ` +
              `opening localhost would reach that program`,
            {
              hint: port
                ? "free that port on ::1, or use http://127.0.0.1:{port}/… (or {port}) in redirect_uri"
                : "find the program holding ports on ::1 (ss -ltnp) and stop it",
              cause: error,
            },
          );
        }
        if (!(error instanceof Deno.errors.AddrNotAvailable)) {
          v4.shutdown();
          throw new AwsOidcError(
            `Cannot listen on [::1]:${bound} for ${options.purpose}: ${(error as Error).message}`,
            {
              hint: "use http://127.0.0.1:{port}/… in redirect_uri if the IdP allows it",
              cause: error,
            },
          );
        }
      }
    }
    return { port: bound, close: async () => void await Promise.all(servers.map((server) => server.shutdown())) };
  }
}

/**
 * The Host headers that name this listener: 127.0.0.1 or the redirect URI's
 * host, with the port; without it too on port 80, which browsers leave out.
 * Anything else is refused (DNS rebinding).
 */
export function callbackHosts(template: URL, port: number): Set<string> {
  const names = new Set(["127.0.0.1", template.hostname]);
  return new Set([...names].flatMap((name) => port === 80 ? [`${name}:${port}`, name] : [`${name}:${port}`]));
}

/** Binds the listener for a redirect URI template such as `http://127.0.0.1:{port}/auth/callback`. */
export function startLoopbackListener(redirectTemplate: string): LoopbackListener {
  const template = new URL(redirectTemplate.replace("{port}", "0"));
  const fixedPort = redirectTemplate.includes("{port}") ? 0 : Number(template.port || 80);
  const callbackPath = template.pathname;
  let handle: (request: Request) => Response = () => new Response(null, { status: 503 });
  const servers = bindLoopback(fixedPort, (request) => handle(request), {
    dualStack: template.hostname === "localhost",
    purpose: "the login callback",
  });
  const port = servers.port;
  const hostPort = `${template.hostname}:${port}`;
  const startPath = randomPath();
  const startUrl = `http://${hostPort}${startPath}`;
  let started = false;
  const allowedHosts = callbackHosts(template, port);
  const redirectUri = redirectTemplate.replace("{port}", String(port));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await servers.close();
  };

  return {
    redirectUri,
    startUrl,
    close,
    [Symbol.asyncDispose]: close,
    waitForCallback(options) {
      const { promise, resolve, reject } = Promise.withResolvers<URLSearchParams>();
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
        // Let the response in flight reach the browser, then stop listening.
        setTimeout(() => close(), 0);
      };
      const timer = setTimeout(() => {
        finish(() =>
          reject(
            new AwsOidcError(`No login arrived within ${options.timeoutSeconds} s`, {
              hint: `check that the browser opened ${startUrl} ` +
                "and that the IdP lists the redirect URI " + redirectTemplate +
                (fixedPort ? "" : FIXED_PORT_ADVICE) + "; raise the wait with timeout = <seconds>",
            }),
          )
        );
      }, options.timeoutSeconds * 1000);

      handle = (request) => {
        // Before anything reads the URL, which is built from the Host header.
        if (!allowedHosts.has(request.headers.get("host") ?? "")) {
          options.onStray?.("a request with a foreign Host header (possible DNS rebinding)");
          return htmlResponse(FORBIDDEN_PAGE, 403);
        }
        const url = new URL(request.url);
        if (request.method !== "GET") return htmlResponse(NOT_FOUND_PAGE, 405);
        if (request.url.length > MAX_URL_LENGTH) return htmlResponse(STRAY_PAGE, 414);
        if (url.pathname === startPath) {
          if (settled) return htmlResponse(DONE_PAGE, 410);
          if (started) {
            options.onStray?.("a second request for the login's start URL (someone else may have fetched it)");
            return htmlResponse(USED_PAGE, 410);
          }
          started = true;
          return new Response(null, {
            status: 302,
            headers: { ...PAGE_HEADERS, location: options.authorizationUrl.href },
          });
        }
        if (url.pathname !== callbackPath) return htmlResponse(NOT_FOUND_PAGE, 404);
        if (settled) return htmlResponse(DONE_PAGE, 400);
        const params = url.searchParams;
        if (params.getAll("state").length !== 1 || params.get("state") !== options.state) {
          options.onStray?.("a callback with a missing or wrong state");
          return htmlResponse(STRAY_PAGE, 400);
        }
        try {
          const valid = options.validate(params);
          finish(() => resolve(valid));
          return htmlResponse(SUCCESS_PAGE, 200);
        } catch (error) {
          finish(() => reject(error));
          return htmlResponse(DENIED_PAGE, 400);
        }
      };
      // The caller may still be opening the browser when a refusal arrives.
      promise.catch(() => {});
      return promise;
    },
  };
}

function htmlResponse(body: string, status: number): Response {
  return new Response(body, { status, headers: PAGE_HEADERS });
}
