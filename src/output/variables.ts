/**
 * The environment variables that carry credentials to a program, and the ones
 * that must go so SDKs do not pick another source over them.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/environment-variables.html
 */
import type { CredentialEntry } from "../cache/entries.ts";

/** The variables a child process (or a shell) gets for `credentials` in `region`. */
export function credentialVariables(credentials: CredentialEntry, region: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: credentials.expiration,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
}

/**
 * Variables that would make an SDK use other credentials than the ones given
 * (or a profile that calls aws-oidc again); removed from a child's environment.
 */
export const CONFLICTING_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];
