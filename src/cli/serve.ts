/**
 * The work of `aws-oidc serve <profile|provider> [--listen ADDR:PORT] [--imds]`: a
 * long-running credential endpoint for containers and devcontainers on this
 * machine, until Ctrl-C or SIGTERM. Every request is answered through the
 * cache, so credentials are refreshed as they near expiry (a browser login
 * only when the refresh token is gone, announced on the terminal).
 *
 * stdout gets the variables to set, one `NAME=value` line each (docker's
 * `--env-file` reads them as they are); the token file is 0600 in a fresh
 * 0700 directory and removed on exit.
 */
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import type { Log } from "../log.ts";
import { getCredentials } from "../aws/credentials.ts";
import { type ListenAddress, startCredentialServer } from "../output/server.ts";
import { startImdsFor } from "../output/imds.ts";
import { type AuthOptions, providerFlagValues } from "./flags.ts";
import { openSession } from "./session.ts";
import { type NamedInput, sessionLabel } from "./target.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The flags of `serve` itself. */
export interface ServeFlags {
  listen?: string;
  imds?: boolean;
}

/** What `serve` was asked to do. */
export interface ServeInput extends NamedInput {
  listen: Required<ListenAddress>;
  imds: boolean;
}

/** Parses and checks the command line, before anything costs a login. */
export function serveInput(
  name: string,
  options: GlobalOptions & AuthOptions & ServeFlags & Record<string, unknown>,
): ServeInput {
  const listen = options.listen === undefined ? { hostname: "127.0.0.1", port: 0 } : parseListen(options.listen);
  if (options.imds && !isLoopback(listen.hostname)) {
    throw new UsageError(`--imds listens on loopback only, not on "${options.listen}"`, {
      hint: "IMDS has no shared secret: whoever reaches it gets the credentials. Use serve without --imds " +
        "(its token is required on every request), or --listen 127.0.0.1:<port>",
    });
  }
  return {
    name,
    flags: providerFlagValues(options),
    cache: options,
    globals: options,
    listen,
    imds: options.imds ?? false,
  };
}

/**
 * `ADDR:PORT`: an IPv4 address or a bracketed IPv6 address, and a port (0: a
 * free one). Host names and the all-interfaces addresses are refused:
 * listening beyond loopback takes the one address meant.
 */
export function parseListen(text: string): Required<ListenAddress> {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  // As a URL spells it (::1 for 0:0:0:0:0:0:0:1), so the Host header clients send matches.
  const hostname = match ? canonicalAddress(match[1] ?? match[2], match[1] !== undefined) : undefined;
  const hint = "give an IP address and a port, e.g. 127.0.0.1:9911, [::1]:9911 or 169.254.170.2:80";
  if (!match || !hostname || !(port >= 0 && port <= 65535)) {
    throw new UsageError(`--listen "${text}" is not an address and port`, { hint });
  }
  if (hostname === "0.0.0.0" || /^[0:]+$/.test(hostname)) {
    throw new UsageError(`--listen "${text}" would listen on every interface`, {
      hint: "name the one address containers reach you on, e.g. a Docker network's gateway",
    });
  }
  return { hostname, port };
}

function canonicalAddress(address: string, v6: boolean): string | undefined {
  if (!v6 && !address.split(".").every((part) => Number(part) <= 255)) return undefined;
  try {
    const hostname = new URL(`http://${v6 ? `[${address}]` : address}/`).hostname;
    return v6 ? hostname.slice(1, -1) : hostname;
  } catch {
    return undefined;
  }
}

/** 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  return /^127\./.test(hostname) || /^(0{0,4}:){2,7}0{0,3}1$/.test(hostname) || hostname === "::1";
}

/** Hosts the SDKs accept a plain-http container credentials URL for, besides loopback. */
const SDK_HOSTS = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"];

/** Serves until `until` settles; the variables go to stdout once listening. */
export async function serve(input: ServeInput, context: CliContext, until: Promise<unknown>): Promise<void> {
  const session = openSession({ ...input, profiles: true }, context);
  const { log } = session;
  const label = sessionLabel(await session.target());
  const provider = await session.provider();
  const base = await session.deps();
  const mode = await session.mode();
  let started = false;
  const deps = {
    ...base,
    login: (p: Parameters<typeof base.login>[0]) => {
      if (started) log.notice(`serve: the session for ${label} needs a new browser login; clients wait for it`);
      return base.login(p);
    },
  };
  // Log in now, in the foreground, rather than on a client's first request.
  await getCredentials(provider, deps, mode);
  started = true;
  const fresh = (p = provider) => getCredentials(p, deps, { noCache: mode.noCache });

  const region = { AWS_REGION: provider.region, AWS_DEFAULT_REGION: provider.region };
  let variables: Record<string, string>;
  let close: () => Promise<void>;
  let tokenDir: string | undefined;
  if (input.imds) {
    const server = startImdsFor(provider, fresh, { listen: input.listen, log });
    variables = { ...server.variables, ...region };
    close = server.close;
    log.info(`Serving credentials for ${label} as the instance metadata service at ${server.endpoint}`);
  } else {
    const server = startCredentialServer({ credentials: () => fresh(), listen: input.listen, log });
    close = server.close;
    try {
      tokenDir = await Deno.makeTempDir({ prefix: "aws-oidc-serve-" });
      const tokenFile = join(tokenDir, "token");
      await writePrivateFile(tokenFile, server.token);
      variables = {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
        ...region,
      };
    } catch (error) {
      await close();
      throw error;
    }
    log.info(`Serving credentials for ${label} at ${new URL(server.url).origin} (container credentials protocol)`);
    warnAboutReach(input.listen.hostname, log);
  }
  try {
    context.stdout(Object.entries(variables).map(([name, value]) => `${name}=${value}\n`).join(""));
    log.info("Ctrl-C stops serving");
    await until;
  } finally {
    // A request may be waiting for a browser login: stop without waiting for it.
    await withinMs(close(), 1000);
    if (tokenDir) await Deno.remove(tokenDir, { recursive: true }).catch(() => {});
  }
}

function warnAboutReach(hostname: string, log: Log): void {
  if (isLoopback(hostname)) return;
  log.warn(
    `Listening on ${hostname}: every process and container that can reach it may try; only those holding the ` +
      "token file get credentials",
  );
  if (!SDK_HOSTS.includes(hostname)) {
    log.warn(
      `The AWS SDKs refuse plain http to ${hostname}: they accept it only from loopback, 169.254.170.2 and ` +
        "169.254.170.23",
    );
  }
}

/** Waits for `promise`, but no longer than `ms`. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => timer = setTimeout(resolve, ms))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes `text` to a new file readable by its owner alone. */
async function writePrivateFile(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text, { createNew: true, mode: 0o600 });
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
}

/** Settles on the first SIGINT or SIGTERM (Ctrl-Break on Windows), removing its listeners. */
export function untilSignal(): Promise<Deno.Signal> {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
        resolve(signal);
      };
      Deno.addSignalListener(signal, handler);
      return [signal, handler] as const;
    });
  });
}
