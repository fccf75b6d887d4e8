/** `aws-oidc status [--json]`: every cached session, without a secret in sight. */
import type { Command } from "commander";
import { configPath, loadConfigFile } from "../config/load.ts";
import { providerNames, requireProvider } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import type { CacheStore } from "../cache/store.ts";
import { holdsToken } from "../cache/sealed.ts";
import {
  cacheNames,
  type CredentialEntry,
  isCredentialEntry,
  isTokenEntry,
  NO_ID_TOKEN_ON_REFRESH_HINT,
  type TokenEntry,
} from "../cache/entries.ts";
import type { Log } from "../log.ts";
import { type CacheOptions, openStore } from "./setup.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** One cache file as `status` shows it: names and times, never a token or key. */
export interface Session {
  kind: "credentials" | "tokens";
  /** The provider name; for tokens, the configured providers that use them (null when none does). */
  provider: string | null;
  /** Credentials: the role. */
  role_arn: string | null;
  region: string | null;
  /** Tokens: the issuer and client. */
  issuer: string | null;
  client_id: string | null;
  /** The RoleSessionName (credentials), or the email, username or subject of the tokens. */
  identity: string;
  /** When the credentials, or the ID token, expire (ISO 8601). */
  expires_at: string;
  /** Seconds until then; negative once expired. */
  expires_in: number;
  /** Tokens: whether a refresh token is cached (so no browser is needed when the ID token expires). */
  refresh_token: boolean | null;
  /** Tokens: false once a refresh brought no new ID token (each expiry of the ID token then needs the browser). */
  id_token_on_refresh: boolean | null;
  file: string;
}

/** Registers the command. */
export function registerStatus(program: Command, context: CliContext): void {
  const command = program
    .command("status")
    .description("List the cached sessions: provider, role and when they expire (no secrets)")
    .option("--json", "print a JSON array instead of a table");
  addNodeLocalCacheFlag(command).addHelpText(
    "after",
    `
Examples:
  aws-oidc status
  aws-oidc status --json | jq '.[] | select(.expires_in > 0) | .provider'`,
  );
  command.action(async (_options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & CacheOptions & { json?: boolean }>();
    await status({ json: options.json ?? false, globals: options, cache: options }, context);
  });
}

/** The work of `status`, callable without the CLI. */
export async function status(
  input: { json: boolean; globals: GlobalOptions; cache: CacheOptions },
  context: CliContext,
  now: () => number = Date.now,
): Promise<void> {
  const log = context.makeLog({ debug: input.globals.debug ?? false, quiet: input.globals.quiet ?? false });
  const store = await openStore(input.cache, context, log);
  const sessions = await listSessions(store, {
    nowMs: now(),
    tokenOwners: await tokenOwners(input.globals, context, log),
  });
  if (input.json) context.stdout(`${JSON.stringify(sessions)}\n`);
  else if (sessions.length === 0) log.info(`No cached sessions in "${store.dir}"`);
  else context.stdout(sessionTable(sessions));
  for (const session of sessions) {
    if (session.id_token_on_refresh !== false) continue;
    log.info(
      `The identity provider of ${session.provider ? `"${session.provider}"` : `"${session.issuer}"`} sends no ` +
        `ID token on refresh: each time the ID token expires, the browser opens (hint: ${NO_ID_TOKEN_ON_REFRESH_HINT})`,
    );
  }
}

/**
 * The sessions in the cache, sorted by provider then kind. `tokenOwners` maps
 * a token file's name to the providers that use it (token files do not record
 * a provider name: one login serves every role of an issuer and client).
 */
export async function listSessions(
  store: CacheStore,
  options: { nowMs: number; tokenOwners?: Map<string, string[]> },
): Promise<Session[]> {
  const sessions: Session[] = [];
  for (const file of await store.list()) {
    if (file.startsWith("credentials-")) {
      const entry = await store.read<CredentialEntry>(file, isCredentialEntry);
      if (entry) sessions.push(credentialSession(file, entry, options.nowMs));
    } else if (file.startsWith("tokens-")) {
      const entry = await store.read<TokenEntry>(file, isTokenEntry);
      const owners = options.tokenOwners?.get(file);
      if (entry) sessions.push(tokenSession(file, entry, owners?.join(",") ?? null, options.nowMs));
    }
  }
  return sessions.sort((a, b) =>
    (a.provider ?? "\uffff").localeCompare(b.provider ?? "\uffff") || a.kind.localeCompare(b.kind) ||
    a.file.localeCompare(b.file)
  );
}

function credentialSession(file: string, entry: CredentialEntry, nowMs: number): Session {
  const expires = Date.parse(entry.expiration);
  return {
    kind: "credentials",
    provider: String(entry.provider),
    role_arn: String(entry.roleArn),
    region: String(entry.region),
    issuer: null,
    client_id: null,
    identity: String(entry.sessionName),
    expires_at: Number.isFinite(expires) ? new Date(expires).toISOString() : String(entry.expiration),
    expires_in: Number.isFinite(expires) ? Math.floor((expires - nowMs) / 1000) : 0,
    refresh_token: null,
    id_token_on_refresh: null,
    file,
  };
}

function tokenSession(file: string, entry: TokenEntry, provider: string | null, nowMs: number): Session {
  const claims = entry.claims ?? {};
  const identity = [claims.email, claims.preferred_username, entry.sub].find((value) => typeof value === "string");
  return {
    kind: "tokens",
    provider,
    role_arn: null,
    region: null,
    issuer: String(entry.issuer),
    client_id: String(entry.clientId),
    identity: String(identity),
    expires_at: new Date(entry.idTokenExpiresAt * 1000).toISOString(),
    expires_in: Math.floor(entry.idTokenExpiresAt - nowMs / 1000),
    refresh_token: holdsToken({ ...entry }, "refreshToken"),
    id_token_on_refresh: entry.refreshSendsNoIdToken === undefined ? null : !entry.refreshSendsNoIdToken,
    file,
  };
}

/**
 * The configured providers by the name of their token file (several may share
 * one: one login serves every role of an issuer and client). Providers that do
 * not resolve on their own (a missing role_arn, say) are skipped.
 */
export async function providersByTokenFile(
  globals: GlobalOptions,
  context: CliContext,
  log: Log,
): Promise<Map<string, Provider[]>> {
  const providers = new Map<string, Provider[]>();
  const config = await loadConfigFile(configPath(globals.config, context.env));
  for (const name of providerNames(config)) {
    try {
      const provider = requireProvider({ config, name, env: context.env });
      log.secret(provider.clientSecret);
      const { tokens } = await cacheNames(provider);
      providers.set(tokens, [...providers.get(tokens) ?? [], provider]);
    } catch (error) {
      log.debug(`provider "${name}" does not resolve, so it names no token file: ${(error as Error).message}`);
    }
  }
  return providers;
}

/** Token file name → provider names, or none (with a warning) when the config cannot be read. */
async function tokenOwners(globals: GlobalOptions, context: CliContext, log: Log): Promise<Map<string, string[]>> {
  try {
    const providers = await providersByTokenFile(globals, context, log);
    return new Map([...providers].map(([file, list]) => [file, list.map((provider) => provider.name)]));
  } catch (error) {
    log.warn(`${(error as Error).message}; token files are shown without provider names`);
    return new Map();
  }
}

/** Adds --node-local-cache, for commands that use the cache but never log in. */
export function addNodeLocalCacheFlag(command: Command): Command {
  return command.option(
    "--node-local-cache <dir>",
    "use the cache in this node-local directory (NFS homes); or AWS_OIDC_NODE_LOCAL_CACHE",
  );
}

/** The sessions as an aligned table with a header line. */
export function sessionTable(sessions: Session[]): string {
  const rows = [
    ["PROVIDER", "KIND", "ROLE / ISSUER", "IDENTITY", "EXPIRES", "REFRESH TOKEN"],
    ...sessions.map((session) => [
      session.provider ?? "?",
      session.kind,
      session.role_arn ?? session.issuer ?? "",
      session.identity,
      humanExpiry(session.expires_in),
      session.refresh_token === null
        ? ""
        : session.refresh_token
        ? session.id_token_on_refresh === false ? "cached, no ID token on refresh" : "cached"
        : "none",
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd() + "\n")
    .join("");
}

/** "in 42 min", "expired 3 h ago": the largest whole unit (s, min, h, d). */
export function humanExpiry(seconds: number): string {
  const amount = Math.abs(seconds);
  const [value, unit] = amount < 60
    ? [amount, "s"]
    : amount < 3600
    ? [Math.floor(amount / 60), "min"]
    : amount < 48 * 3600
    ? [Math.floor(amount / 3600), "h"]
    : [Math.floor(amount / 86400), "d"];
  return seconds > 0 ? `in ${value} ${unit}` : `expired ${value} ${unit} ago`;
}
