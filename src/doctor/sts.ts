/**
 * `doctor`'s STS check: the endpoint each provider's credentials come from
 * (as config/resolve.ts chose it, and from where) resolves and accepts a TCP connection.
 *
 * @see https://docs.aws.amazon.com/general/latest/gr/sts.html
 */
import { lookup } from "node:dns/promises";
import type { Provider } from "../config/provider.ts";
import { type CheckResult, fail, ok } from "./report.ts";

/** Checks each distinct endpoint of `providers` once, saying where each endpoint came from. */
export async function checkSts(providers: Provider[], options: { timeoutMs: number }): Promise<CheckResult[]> {
  const users = new Map<string, { names: string[]; sources: Set<string> }>();
  for (const provider of providers) {
    const endpoint = provider.stsEndpoint;
    const user = users.get(endpoint) ?? { names: [], sources: new Set<string>() };
    user.names.push(provider.name);
    user.sources.add(provider.stsEndpointSource);
    users.set(endpoint, user);
  }
  return await Promise.all(
    [...users].map(([endpoint, user]) =>
      checkEndpoint(endpoint, { subject: user.names.join(","), sources: [...user.sources] }, options.timeoutMs)
    ),
  );
}

async function checkEndpoint(
  endpoint: string,
  user: { subject: string; sources: string[] },
  timeoutMs: number,
): Promise<CheckResult> {
  const subject = user.subject;
  const what = `STS endpoint "${endpoint}" (from ${user.sources.join(" and ")}, for ${
    subject.split(",").map((name) => `"${name}"`).join(", ")
  })`;
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || (url.protocol === "http:" ? 80 : 443));
  let address = host;
  if (!isIpAddress(host) && host !== "localhost") {
    try {
      address = (await withTimeout(lookup(host), timeoutMs)).address;
    } catch (error) {
      return fail("sts", `${what} does not resolve: ${(error as Error).message}`, {
        subject,
        hint: "check the region and sts_endpoint, and this machine's DNS (or a VPN that should provide it)",
      });
    }
  }
  try {
    const connection = await withTimeout(Deno.connect({ hostname: address, port }), timeoutMs, (late) => late.close());
    connection.close();
  } catch (error) {
    return fail("sts", `${what} does not accept connections: ${(error as Error).message}`, {
      subject,
      hint: "check the network, a firewall or proxy, and sts_endpoint",
    });
  }
  return ok("sts", `${what} resolves${address === host ? "" : ` (${address})`} and accepts connections`, subject);
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

/** `promise`, or a timeout error after `ms`; a late result is handed to `discard`. */
function withTimeout<T>(promise: Promise<T>, ms: number, discard?: (late: T) => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      promise.then(discard, () => {});
      reject(new Error(`no answer within ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
