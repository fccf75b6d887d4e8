/**
 * The credential_process output: exactly one JSON object on stdout.
 * Loaded on the fast cached path: no imports beyond types.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
 */
import type { CredentialEntry } from "../cache/entries.ts";

/** The JSON a credential_process prints, as one line with its newline. */
export function credentialProcessJson(credentials: CredentialEntry): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration,
  }) + "\n";
}
