/**
 * STS AssumeRoleWithWebIdentity through the AWS SDK, loaded only when a call
 * is needed, with AWS's error codes translated into what to fix.
 *
 * Loading the SDK is most of a refresh's time (its CommonJS entry point loads
 * node:http, node:http2 and the default credential chain whatever is used), so
 * {@link preloadSts} starts it early, while tokens are read or refreshed.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import { AwsOidcError } from "../errors.ts";
import { fetchHandler } from "./http.ts";
import { printable } from "../log.ts";

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
  /** The endpoint aws-oidc resolved (config/resolve.ts); never left to the SDK. */
  endpoint: string;
}

type StsModule = typeof import("@aws-sdk/client-sts");

/** The SDK, loaded once per process. */
let loading: Promise<StsModule> | undefined;

function loadSts(): Promise<StsModule> {
  loading ??= import("@aws-sdk/client-sts");
  return loading;
}

/**
 * Starts loading the SDK without waiting for it, so it overlaps other work; a
 * failure shows when STS is called. Costs nothing when STS is never called.
 */
export function preloadSts(): void {
  loadSts().catch(() => {});
}

/** Calls STS; the error thrown says what to fix and keeps the AWS code. */
export async function assumeRoleWithWebIdentity(request: AssumeRoleRequest): Promise<AwsCredentials> {
  const sts = await loadSts();
  return await callSts(request, undefined, (client) =>
    client.send(
      new sts.AssumeRoleWithWebIdentityCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        WebIdentityToken: request.webIdentityToken,
        DurationSeconds: request.durationSeconds,
      }),
    ));
}

/** Inputs of {@link assumeRoleChain}. */
export interface ChainRequest {
  /** The web identity credentials the chain starts from. */
  credentials: AwsCredentials;
  /** Roles to assume in turn. */
  chain: string[];
  roleSessionName: string;
  /** Requested per step; AWS caps chained sessions at one hour, so at most 3600 is asked for. */
  durationSeconds: number;
  region: string;
  endpoint: string;
}

/** AWS's limit for a role session reached by role chaining. */
export const CHAINED_SESSION_LIMIT = 3600;

/**
 * Role chaining: `AssumeRole` into each role of `chain` in turn, each call
 * signed with the previous step's credentials (hub-and-spoke accounts).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
 */
export async function assumeRoleChain(request: ChainRequest): Promise<AwsCredentials> {
  const sts = await loadSts();
  let credentials = request.credentials;
  let previous = "the web identity role";
  for (const roleArn of request.chain) {
    const step = { ...request, roleArn, durationSeconds: Math.min(request.durationSeconds, CHAINED_SESSION_LIMIT) };
    credentials = await callSts(step, credentials, (client) =>
      client.send(
        new sts.AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: request.roleSessionName,
          DurationSeconds: step.durationSeconds,
        }),
      ), previous);
    previous = roleArn;
  }
  return credentials;
}

type StsOutput = { Credentials?: import("@aws-sdk/client-sts").Credentials };

async function callSts(
  request: { roleArn: string; region: string; endpoint: string; durationSeconds: number },
  signWith: AwsCredentials | undefined,
  send: (client: InstanceType<StsModule["STSClient"]>) => Promise<StsOutput>,
  chainedFrom?: string,
): Promise<AwsCredentials> {
  const { STSClient } = await loadSts();
  // Every setting the SDK would otherwise look up in the shared config (AWS_PROFILE's endpoint_url,
  // use_fips_endpoint, use_dualstack_endpoint) is given here: aws-oidc alone chooses where tokens go.
  const client = new STSClient({
    requestHandler: await fetchHandler(),
    region: request.region,
    endpoint: request.endpoint,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: 3,
    ...(signWith ? { credentials: signWith } : {}),
  });
  try {
    const credentials = (await send(client)).Credentials;
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
    throw stsError(error, request, chainedFrom);
  } finally {
    client.destroy();
  }
}

type HintRequest = { roleArn: string; region: string; durationSeconds: number; endpoint?: string };

const HINTS: Record<string, (request: HintRequest) => string> = {
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

/** Translates an SDK error into an {@link AwsOidcError}; `chainedFrom` names the role an `AssumeRole` came from. */
export function stsError(error: unknown, request: HintRequest, chainedFrom?: string): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  const code = awsErrorCode(error);
  const message = printable((error as Error)?.message ?? String(error));
  const hint = chainedFrom && code === "AccessDenied"
    ? `the trust policy of ${request.roleArn} must allow sts:AssumeRole for ${chainedFrom}`
    : HINTS[code]?.(request);
  if (hint) return new AwsOidcError(`STS refused the role (${code}): ${message}`, { hint, cause: error });
  const network = /ECONNREFUSED|ENOTFOUND|getaddrinfo|connect|timed? ?out|fetch failed/i.test(message);
  return new AwsOidcError(`STS call failed (${code}): ${message}`, {
    hint: network
      ? `check the network, region "${request.region}" and any endpoint override (${request.endpoint ?? "default"})`
      : "run with --debug for details",
    cause: error,
  });
}
