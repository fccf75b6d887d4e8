/**
 * AWS partitions and the console endpoints of each: where the federation
 * (sign-in) endpoint is, and on which host the console lives.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
import { UsageError } from "../errors.ts";
import { parseRoleArn } from "./arn.ts";

/** The console endpoints of one partition. */
export interface ConsoleEndpoints {
  partition: string;
  /** The federation endpoint: `getSigninToken` is asked here and the `login` URL points here. */
  federationUrl: string;
  /** The console's host, e.g. `console.aws.amazon.com`; undefined for a partition without a known public console. */
  consoleHost?: string;
}

/** The partitions whose console can be reached by federation, and their hosts. */
export const PARTITIONS: Readonly<Record<string, { signinHost: string; consoleHost: string }>> = {
  "aws": { signinHost: "signin.aws.amazon.com", consoleHost: "console.aws.amazon.com" },
  "aws-cn": { signinHost: "signin.amazonaws.cn", consoleHost: "console.amazonaws.cn" },
  "aws-us-gov": { signinHost: "signin.amazonaws-us-gov.com", consoleHost: "console.amazonaws-us-gov.com" },
};

/** The partition of a role ARN (`arn:<partition>:iam::…`); throws a usage error for anything else. */
export function partitionOfRole(roleArn: string): string {
  const parsed = parseRoleArn(roleArn);
  if (!parsed) {
    throw new UsageError(`"${roleArn}" is not an IAM role ARN`, {
      hint: "it looks like arn:aws:iam::123456789012:role/name",
    });
  }
  return parsed.partition;
}

/**
 * The partition a region belongs to, from its name: `cn-*` is `aws-cn`,
 * `us-gov-*` is `aws-us-gov`, the isolated and sovereign prefixes theirs,
 * anything else `aws`.
 */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (/^[a-z]{2}-isoe-/.test(region)) return "aws-iso-e";
  if (/^[a-z]{2}-isof-/.test(region)) return "aws-iso-f";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** The DNS suffix of each partition's endpoints. */
const DNS_SUFFIXES: Readonly<Record<string, string>> = {
  "aws": "amazonaws.com",
  "aws-cn": "amazonaws.com.cn",
  "aws-us-gov": "amazonaws.com",
  "aws-iso": "c2s.ic.gov",
  "aws-iso-b": "sc2s.sgov.gov",
  "aws-iso-e": "cloud.adc-e.uk",
  "aws-iso-f": "csp.hci.ic.gov",
  "aws-eusc": "amazonaws.eu",
};

/**
 * The regional STS endpoint of `region` in its partition, the one the SDK would choose
 * when nothing overrides it.
 *
 * @see https://docs.aws.amazon.com/general/latest/gr/sts.html
 */
export function defaultStsEndpoint(region: string): string {
  return `https://sts.${region}.${DNS_SUFFIXES[partitionOfRegion(region)]}`;
}

/**
 * IAM's endpoint in the partition of `region`: one global endpoint per partition.
 *
 * @see https://docs.aws.amazon.com/general/latest/gr/iam-service.html
 */
export function defaultIamEndpoint(region: string): string {
  const partition = partitionOfRegion(region);
  if (partition === "aws") return "https://iam.amazonaws.com";
  if (partition === "aws-cn") return "https://iam.cn-north-1.amazonaws.com.cn";
  if (partition === "aws-us-gov") return "https://iam.us-gov.amazonaws.com";
  return `https://iam.${region}.${DNS_SUFFIXES[partition]}`;
}

/**
 * The console endpoints for `partition`. `signinUrl` (the provider's
 * `signin_url`, or `AWS_OIDC_SIGNIN_URL`) replaces the federation endpoint;
 * a bare origin gets the `/federation` path. A partition outside
 * {@link PARTITIONS} needs `signinUrl`.
 */
export function consoleEndpoints(partition: string, options: { signinUrl?: string } = {}): ConsoleEndpoints {
  const known = PARTITIONS[partition];
  if (options.signinUrl) {
    const url = new URL(options.signinUrl);
    if (url.pathname === "/" || url.pathname === "") url.pathname = "/federation";
    return { partition, federationUrl: url.href, consoleHost: known?.consoleHost };
  }
  if (!known) {
    throw new UsageError(`No known console sign-in endpoint for partition "${partition}"`, {
      hint: `set signin_url (or AWS_OIDC_SIGNIN_URL) to its federation endpoint; known partitions: ${
        Object.keys(PARTITIONS).join(", ")
      }`,
    });
  }
  return { partition, federationUrl: `https://${known.signinHost}/federation`, consoleHost: known.consoleHost };
}
