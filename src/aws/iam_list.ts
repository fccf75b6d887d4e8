/**
 * Which IAM roles let an OIDC audience in: IAM `ListRoles` through the AWS SDK
 * (loaded only when called), every page, and a matcher that reads each role's
 * trust policy for `StringEquals` / `StringLike` conditions on one claim key.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 */
import { AwsOidcError } from "../errors.ts";
import { printable } from "../log.ts";
import { fetchHandler } from "./http.ts";

/** A role as `ListRoles` returns it. */
export interface IamRole {
  roleName: string;
  arn: string;
  /** The trust policy as IAM returns it: URL-encoded JSON. */
  assumeRolePolicyDocument: string;
}

/** One condition value on the claim, with the operator it appears under. */
export interface ClaimCondition {
  /** As written in the policy, e.g. `StringLike` or `ForAnyValue:StringEquals`. */
  operator: string;
  /** As written; a glob (`*`, `?`) under the `StringLike` operators. */
  value: string;
}

/** A role whose trust policy has conditions on the claim that admit the client id (any, when none was given). */
export interface RoleMatch {
  roleName: string;
  arn: string;
  /** The conditions that admit the client id; every condition on the claim when no client id was given. */
  conditions: ClaimCondition[];
}

/** What to look for in the trust policies. */
export interface TrustQuery {
  /** The IAM condition key, e.g. `accounts.google.com:aud`; compared case-insensitively, as IAM does. */
  claim: string;
  /** The audience to admit; undefined: every role with a condition on the claim. */
  clientId?: string;
}

const WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity";

/** Condition operators that can let a value in, without their `ForAnyValue:` / `ForAllValues:` / `IfExists` parts. */
const OPERATORS: Record<string, "equals" | "like"> = { stringequals: "equals", stringlike: "like" };

/**
 * The IAM condition key for an issuer's audience: the issuer URL without its
 * scheme and trailing slash, then `:aud` (`accounts.google.com:aud`,
 * `example.okta.com/oauth2/default:aud`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
export function audienceClaim(issuer: string): string {
  const url = new URL(issuer);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}:aud`;
}

/**
 * Parses a trust policy: IAM returns it URL-encoded (RFC 3986), so it is
 * decoded first; plain JSON is accepted too. Undefined when it is neither.
 */
export function parseTrustPolicy(document: string): Record<string, unknown> | undefined {
  for (const text of [safeDecode(document), document]) {
    if (text === undefined) continue;
    try {
      const parsed = JSON.parse(text);
      if (isObject(parsed)) return parsed;
    } catch { /* try the next reading */ }
  }
  return undefined;
}

/**
 * The conditions on `claim` in the statements that allow
 * `sts:AssumeRoleWithWebIdentity`. Deny statements and negated operators
 * (`StringNotEquals`…) are ignored: this lists who may get in, it does not
 * evaluate the policy.
 */
export function claimConditions(policy: Record<string, unknown>, claim: string): ClaimCondition[] {
  const key = claim.toLowerCase();
  const found: ClaimCondition[] = [];
  for (const statement of asArray(policy.Statement)) {
    if (!isObject(statement) || statement.Effect !== "Allow" || !allowsWebIdentity(statement)) continue;
    if (!isObject(statement.Condition)) continue;
    for (const [operator, block] of Object.entries(statement.Condition)) {
      if (operatorKind(operator) === undefined || !isObject(block)) continue;
      for (const [conditionKey, values] of Object.entries(block)) {
        if (conditionKey.toLowerCase() !== key) continue;
        for (const value of asArray(values)) {
          if (typeof value === "string" || typeof value === "number") found.push({ operator, value: String(value) });
        }
      }
    }
  }
  return found;
}

/** Whether a condition admits `clientId`: equality, or a glob under the `StringLike` operators. */
export function conditionAdmits(condition: ClaimCondition, clientId: string): boolean {
  return operatorKind(condition.operator) === "like"
    ? globMatches(condition.value, clientId)
    : condition.value === clientId;
}

/** The role's match for the query, or undefined when its trust policy does not let the audience in. */
export function matchRole(role: IamRole, query: TrustQuery): RoleMatch | undefined {
  const policy = parseTrustPolicy(role.assumeRolePolicyDocument);
  if (!policy) return undefined;
  const conditions = claimConditions(policy, query.claim).filter((condition) =>
    query.clientId === undefined || conditionAdmits(condition, query.clientId)
  );
  return conditions.length ? { roleName: role.roleName, arn: role.arn, conditions } : undefined;
}

/**
 * IAM's `StringLike`: `*` matches any run of characters (none included), `?`
 * exactly one; everything else literally and case-sensitively.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
export function globMatches(pattern: string, value: string): boolean {
  const source = [...pattern].map((char) =>
    char === "*" ? "[\\s\\S]*" : char === "?" ? "[\\s\\S]" : char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
  ).join("");
  return new RegExp(`^${source}$`, "u").test(value);
}

/** `equals` or `like` for the operators that can let a value in, else undefined. */
function operatorKind(operator: string): "equals" | "like" | undefined {
  const base = operator.toLowerCase().replace(/^for(anyvalue|allvalues):/, "").replace(/ifexists$/, "");
  return OPERATORS[base];
}

/** `Action` names (or globs) sts:AssumeRoleWithWebIdentity, or `NotAction` leaves it out. */
function allowsWebIdentity(statement: Record<string, unknown>): boolean {
  const names = (value: unknown) => asArray(value).filter((item): item is string => typeof item === "string");
  const covers = (pattern: string) => globMatches(pattern.toLowerCase(), WEB_IDENTITY_ACTION.toLowerCase());
  if (statement.Action !== undefined) return names(statement.Action).some(covers);
  if (statement.NotAction !== undefined) return !names(statement.NotAction).some(covers);
  return false;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Inputs of {@link listRoles}. */
export interface ListRolesRequest {
  /** A profile of `~/.aws/credentials` or `~/.aws/config`; undefined: the SDK's default chain (`AWS_PROFILE`…). */
  profile?: string;
  /** Signing region; IAM is global, so it only picks the partition (us-east-1 for aws). */
  region: string;
  /** The endpoint aws-oidc chose (`AWS_ENDPOINT_URL_IAM`, `AWS_ENDPOINT_URL`, else the partition's). */
  endpoint: string;
  /** Explicit credentials; undefined: the SDK's default chain with `profile`. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Called after each page, e.g. for --debug. */
  onPage?: (page: number, roles: number) => void;
}

/** Every role of the account, all pages of `ListRoles`; the error thrown says what to fix and keeps the AWS code. */
export async function listRoles(request: ListRolesRequest): Promise<IamRole[]> {
  const { IAMClient, ListRolesCommand } = await import("@aws-sdk/client-iam");
  const client = new IAMClient({
    requestHandler: await fetchHandler(),
    region: request.region,
    endpoint: request.endpoint,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    profile: request.profile,
    maxAttempts: 3,
    ...(request.credentials ? { credentials: request.credentials } : {}),
  });
  const roles: IamRole[] = [];
  try {
    let marker: string | undefined;
    const seen = new Set<string>();
    for (let page = 1;; page++) {
      const output = await client.send(new ListRolesCommand({ Marker: marker }));
      for (const role of output.Roles ?? []) {
        roles.push({
          roleName: role.RoleName ?? "",
          arn: role.Arn ?? "",
          assumeRolePolicyDocument: role.AssumeRolePolicyDocument ?? "",
        });
      }
      request.onPage?.(page, output.Roles?.length ?? 0);
      if (!output.IsTruncated) return roles;
      if (!output.Marker || seen.has(output.Marker)) {
        throw new AwsOidcError("IAM ListRoles returned a truncated page without a new marker", {
          hint: `check the IAM endpoint (${request.endpoint ?? "default"})`,
        });
      }
      seen.add(output.Marker);
      marker = output.Marker;
    }
  } catch (error) {
    throw iamError(error, request);
  } finally {
    client.destroy();
  }
}

const HINTS: Record<string, (request: ListRolesRequest) => string> = {
  AccessDenied: () =>
    "the credentials need iam:ListRoles, as in the IAMReadOnlyAccess policy; use --profile for others",
  CredentialsProviderError: (request) =>
    request.profile
      ? `check that profile "${request.profile}" exists in ~/.aws/credentials or ~/.aws/config and holds keys`
      : "pass --profile <name>, set AWS_PROFILE, or run it as aws-oidc exec <profile> -- aws-oidc list …",
  InvalidClientTokenId: () => "the access key is not valid in this account or partition; check the profile",
  SignatureDoesNotMatch: () => "the secret access key does not belong to the access key; check the profile",
  ExpiredToken: () => "the session credentials expired; get fresh ones (aws-oidc exec renews them)",
};

/** Translates an SDK error into an {@link AwsOidcError} with a hint. */
export function iamError(error: unknown, request: ListRolesRequest): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  const name = (error as { name?: string })?.name ?? "Error";
  const code = { AccessDeniedException: "AccessDenied", ExpiredTokenException: "ExpiredToken" }[name] ?? name;
  const message = printable((error as Error)?.message ?? String(error));
  if (code === "CredentialsProviderError") {
    return new AwsOidcError(`No AWS credentials to call IAM: ${message}`, { hint: HINTS[code](request), cause: error });
  }
  const hint = HINTS[code]?.(request);
  if (hint) return new AwsOidcError(`IAM refused ListRoles (${code}): ${message}`, { hint, cause: error });
  const network = /ECONNREFUSED|ENOTFOUND|getaddrinfo|connect|timed? ?out|fetch failed/i.test(message);
  return new AwsOidcError(`IAM ListRoles failed (${code}): ${message}`, {
    hint: network
      ? `check the network and any endpoint override (${request.endpoint ?? "default"}; AWS_ENDPOINT_URL_IAM)`
      : "run with --debug for details",
    cause: error,
  });
}
