/** The work of `aws-oidc token <provider|profile>`: the OIDC tokens as JSON on stdout, for tools that want them. */
import type { FlagValues } from "../config/resolve.ts";
import { getTokens } from "../aws/credentials.ts";
import type { TokenEntry } from "../cache/entries.ts";
import type { AuthOptions } from "./flags.ts";
import { openSession } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The work of `token`, callable without the CLI. */
export async function token(
  input: { name: string; flags: FlagValues; globals: GlobalOptions; cache: AuthOptions },
  context: CliContext,
): Promise<void> {
  const session = openSession({ ...input, profiles: true }, context);
  const provider = await session.provider();
  const tokens = await getTokens(provider, await session.deps(), await session.mode());
  context.stdout(tokenJson(tokens));
}

/** The one line `token` prints; the refresh token is never part of it. */
export function tokenJson(tokens: TokenEntry): string {
  return JSON.stringify({
    version: 1,
    id_token: tokens.idToken,
    access_token: tokens.accessToken,
    expiry: new Date(tokens.idTokenExpiresAt * 1000).toISOString(),
  }) + "\n";
}
