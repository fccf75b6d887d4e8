/**
 * The credential_process output: exactly one JSON object on stdout.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
 */
import type { AwsCredentials } from "../aws/sts.ts";

/** The JSON a credential_process prints, as one line. */
export function credentialProcessJson(credentials: AwsCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  });
}
