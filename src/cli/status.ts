/** The work of `aws-oidc status [--json]`: every cached session, without a secret in sight. */
import { NO_ID_TOKEN_ON_REFRESH_HINT } from "../cache/entries.ts";
import { type CachedSession, listSessions, providersByTokenFile } from "../cache/sessions.ts";
import type { CacheOptions } from "./flags.ts";
import { openSession, type Session } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The work of `status`, callable without the CLI. */
export async function status(
  input: { json: boolean; globals: GlobalOptions; cache: CacheOptions },
  context: CliContext,
  now: () => number = Date.now,
): Promise<void> {
  const opened = openSession(input, context);
  const { log } = opened;
  const store = await opened.store();
  const sessions = await listSessions(store, { nowMs: now(), tokenOwners: await tokenOwners(opened, context) });
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

/** Token file name → provider names, or none (with a warning) when the config cannot be read. */
async function tokenOwners(session: Session, context: CliContext): Promise<Map<string, string[]>> {
  const { log } = session;
  try {
    const providers = await providersByTokenFile(await session.config(), context.env, log);
    return new Map([...providers].map(([file, list]) => [file, list.map((provider) => provider.name)]));
  } catch (error) {
    log.warn(`${(error as Error).message}; token files are shown without provider names`);
    return new Map();
  }
}

/** The sessions as an aligned table with a header line. */
export function sessionTable(sessions: CachedSession[]): string {
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
