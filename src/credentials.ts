/**
 * The pipeline from a resolved provider to AWS credentials:
 * tokens (browser login) → STS. Caching and refresh slot in here.
 */
import type { Provider } from "./config/resolve.ts";
import type { Log } from "./log.ts";
import type { Tokens } from "./oidc/tokens.ts";
import { roleSessionName } from "./aws/session_name.ts";
import { assumeRoleWithWebIdentity, type AwsCredentials, stsEndpoint } from "./aws/sts.ts";

/** The outside world the pipeline touches. */
export interface CredentialDeps {
  log: Log;
  env: (name: string) => string | undefined;
  /** Produces validated OIDC tokens (the browser login in production). */
  login: (provider: Provider) => Promise<Tokens>;
  assumeRole?: typeof assumeRoleWithWebIdentity;
}

/** Logs in and exchanges the ID token for role credentials. */
export async function getCredentials(provider: Provider, deps: CredentialDeps): Promise<AwsCredentials> {
  const tokens = await deps.login(provider);
  deps.log.secret(tokens.idToken);
  deps.log.secret(tokens.accessToken);
  deps.log.secret(tokens.refreshToken);
  const sessionName = roleSessionName(tokens.claims, provider.sessionNameClaim);
  const endpoint = stsEndpoint(provider.stsEndpoint, deps.env);
  deps.log.debug(
    `assuming ${provider.roleArn} as "${sessionName}" in ${provider.region} (${endpoint ?? "default endpoint"})`,
  );
  const credentials = await (deps.assumeRole ?? assumeRoleWithWebIdentity)({
    roleArn: provider.roleArn,
    webIdentityToken: tokens.idToken,
    roleSessionName: sessionName,
    durationSeconds: provider.duration,
    region: provider.region,
    endpoint,
  });
  deps.log.secret(credentials.secretAccessKey);
  deps.log.secret(credentials.sessionToken);
  return credentials;
}
