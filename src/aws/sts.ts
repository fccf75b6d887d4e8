/**
 * STS AssumeRoleWithWebIdentity through the AWS SDK, loaded only when a call
 * is needed, with AWS's error codes translated into what to fix.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import { AwsOidcError } from "../errors.ts";

/** Temporary AWS credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** As STS returned it. */
  expiration: Date;
}

/** Inputs of {@link assumeRoleWithWebIdentity}. */
export interface AssumeRoleRequest {
  roleArn: string;
  webIdentityToken: string;
  roleSessionName: string;
  durationSeconds: number;
  region: string;
  /** Explicit endpoint; undefined: the SDK's regional default. */
  endpoint?: string;
}

/** Which STS endpoint to use: `sts_endpoint`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else the SDK default. */
export function stsEndpoint(
  configured: string | undefined,
  env: (name: string) => string | undefined,
): string | undefined {
  return configured || env("AWS_ENDPOINT_URL_STS") || env("AWS_ENDPOINT_URL") || undefined;
}

/** Calls STS; the error thrown says what to fix and keeps the AWS code. */
export async function assumeRoleWithWebIdentity(request: AssumeRoleRequest): Promise<AwsCredentials> {
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient({
    region: request.region,
    endpoint: request.endpoint,
    maxAttempts: 3,
  });
  try {
    const output = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        WebIdentityToken: request.webIdentityToken,
        DurationSeconds: request.durationSeconds,
      }),
    );
    const credentials = output.Credentials;
    if (
      !credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken ||
      !credentials.Expiration
    ) {
      throw new AwsOidcError("STS answered without credentials", { hint: "check sts_endpoint" });
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  } catch (error) {
    throw stsError(error, request);
  } finally {
    client.destroy();
  }
}

const HINTS: Record<string, (request: AssumeRoleRequest) => string> = {
  InvalidIdentityToken: () =>
    "the account's IAM OIDC identity provider must match provider_url exactly, and list client_id as an audience",
  AccessDenied: (request) =>
    `the trust policy of ${request.roleArn} must allow sts:AssumeRoleWithWebIdentity for this provider and audience`,
  ExpiredTokenException: () => "the ID token expired before STS saw it; check this machine's clock and log in again",
  IDPCommunicationError: () => "STS could not reach the IdP's keys; try again, and check the IdP is publicly reachable",
  IDPRejectedClaim: () => "the IdP rejected the token's claims; check the IAM OIDC provider configuration",
  ValidationError: (request) =>
    `check role_arn and duration (${request.durationSeconds} s must not exceed the role's maximum session duration)`,
  RegionDisabledException: (request) => `activate STS in ${request.region}, or choose another region`,
  PackedPolicyTooLarge: () => "the session policy or tags are too large",
};

/**
 * AWS's error code for an SDK error. The SDK renames the errors STS models
 * (`InvalidIdentityToken` arrives as `InvalidIdentityTokenException`); people
 * search for the code AWS documents, so that is what we show.
 */
function awsErrorCode(error: unknown): string {
  const name = (error as { name?: string })?.name ?? "Error";
  const modeled: Record<string, string> = {
    InvalidIdentityTokenException: "InvalidIdentityToken",
    IDPCommunicationErrorException: "IDPCommunicationError",
    IDPRejectedClaimException: "IDPRejectedClaim",
    MalformedPolicyDocumentException: "MalformedPolicyDocument",
    PackedPolicyTooLargeException: "PackedPolicyTooLarge",
  };
  return modeled[name] ?? name;
}

/** Translates an SDK error into an {@link AwsOidcError}. */
export function stsError(error: unknown, request: AssumeRoleRequest): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  const code = awsErrorCode(error);
  const message = (error as Error)?.message ?? String(error);
  const hint = HINTS[code]?.(request);
  if (hint) return new AwsOidcError(`STS refused the role (${code}): ${message}`, { hint, cause: error });
  const network = /ECONNREFUSED|ENOTFOUND|getaddrinfo|connect|timed? ?out|fetch failed/i.test(message);
  return new AwsOidcError(`STS call failed (${code}): ${message}`, {
    hint: network
      ? `check the network, region "${request.region}" and any endpoint override (${request.endpoint ?? "default"})`
      : "run with --debug for details",
    cause: error,
  });
}
