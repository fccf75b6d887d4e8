/**
 * The loopback listener of the native-app login (RFC 8252 §7.3): bound to
 * 127.0.0.1 only, on a fresh random port unless the redirect URI fixes one.
 *
 * `/` redirects to the IdP's authorization URL, so the browser is opened on a
 * short local URL and the long one never sits on a process command line. The
 * callback path waits for the one response carrying our `state`; anything else
 * gets a 400 and the wait goes on, so a web page cannot end or abort a login.
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
} from "./pages.ts";

const MAX_URL_LENGTH = 8192;

/**
 * Why a login with a random port may never come back: some IdPs (Glewlwyd) compare redirect URIs with the port,
 * against RFC 8252 §7.3, and refuse every port but the registered one.
 */
const FIXED_PORT_ADVICE = "; if the IdP compares redirect URIs with the port (against RFC 8252 §7.3), register " +
  'one with a fixed port and set redirect_uri to it, e.g. "http://127.0.0.1:8400/auth/callback"';

/** A started listener. */
export interface LoopbackListener {
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
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: fixedPort,
      onListen: () => {},
      onError: () => new Response("Internal error", { status: 500 }),
    }, (request) => handle(request));
  } catch (error) {
    throw new AwsOidcError(
      `Cannot listen on 127.0.0.1:${fixedPort} for the login callback: ${(error as Error).message}`,
      {
        hint: fixedPort ? "another program uses that port; free it or use {port} in redirect_uri" : undefined,
        cause: error,
      },
    );
  }
  const port = server.addr.port;
  const hostPort = `${template.hostname}:${port}`;
  const allowedHosts = callbackHosts(template, port);
  const redirectUri = redirectTemplate.replace("{port}", String(port));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.shutdown();
  };

  return {
    redirectUri,
    startUrl: `http://${hostPort}/`,
    close,
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
              hint: `check that the browser opened ${redirectUri.split("/").slice(0, 3).join("/")}/ ` +
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
        if (url.pathname === "/" && callbackPath !== "/") {
          if (settled) return htmlResponse(DONE_PAGE, 410);
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
