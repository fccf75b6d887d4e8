/**
 * A one-time loopback link to a secret URL, so that the secret never sits on
 * a browser's command line (`/proc/<pid>/cmdline` is readable by every local
 * user): the browser is started on `http://127.0.0.1:<port>/<144 random bits>`,
 * whose first GET is answered with a 302 to the secret URL and every later one
 * with a 410 and a warning (someone else fetched it first, or will try to).
 *
 * The listener closes {@link GRACE_MS} after the link was used (long enough to
 * notice a racer and tell the person), or after the timeout.
 */
import { AwsOidcError } from "../errors.ts";
import type { Log } from "../log.ts";
import { bindLoopback, randomPath } from "./_loopback.ts";
import { FORBIDDEN_PAGE, NOT_FOUND_PAGE, PAGE_HEADERS, USED_PAGE } from "./_pages.ts";

/** How long the listener stays after the link was used, to answer (and report) a second request. */
export const GRACE_MS = 2000;

/** Options of {@link openOneTimeLink}. */
export interface OneTimeLinkOptions {
  log: Log;
  /** What the link leads to, for messages: "the AWS console". */
  what: string;
  /** How long the browser has to fetch the link; default 60. */
  timeoutSeconds?: number;
  /** Default {@link GRACE_MS}. */
  graceMs?: number;
}

/**
 * Serves `target` behind a one-time link, calls `open` with the link, and
 * returns once the link was used (and the grace period passed). Throws when
 * it was not used within the timeout, or when `open` throws.
 */
export async function openOneTimeLink(
  target: string,
  open: (link: string) => void,
  options: OneTimeLinkOptions,
): Promise<void> {
  const path = randomPath();
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  const used = Promise.withResolvers<void>();
  let requests = 0;
  let host = "";
  const servers = bindLoopback(0, (request) => {
    if (request.headers.get("host") !== host) return page(FORBIDDEN_PAGE, 403);
    if (new URL(request.url).pathname !== path) return page(NOT_FOUND_PAGE, 404);
    if (request.method !== "GET") return page(NOT_FOUND_PAGE, 405);
    if (++requests > 1) {
      options.log.warn(
        `The one-time link to ${options.what} was requested ${requests} times: someone else on this machine may ` +
          "have fetched it; if your browser did not get there, that session went to them",
      );
      return page(USED_PAGE, 410);
    }
    used.resolve();
    return new Response(null, { status: 302, headers: { ...PAGE_HEADERS, location: target } });
  }, { dualStack: false, purpose: `the one-time link to ${options.what}` });
  host = `127.0.0.1:${servers.port}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    open(`http://${host}${path}`);
    const expired = new Promise<"expired">((resolve) =>
      timer = setTimeout(() => resolve("expired"), timeoutSeconds * 1000)
    );
    if (await Promise.race([used.promise, expired]) === "expired") {
      throw new AwsOidcError(
        `The browser did not open the one-time link to ${options.what} within ${timeoutSeconds} s`,
        {
          hint: "check the provider's agent (or BROWSER), or use --print and open the URL yourself",
        },
      );
    }
    clearTimeout(timer);
    await new Promise((resolve) => timer = setTimeout(resolve, options.graceMs ?? GRACE_MS));
  } finally {
    clearTimeout(timer);
    await servers.close();
  }
}

function page(body: string, status: number): Response {
  return new Response(body, { status, headers: PAGE_HEADERS });
}
