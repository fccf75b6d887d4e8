/**
 * IAM role ARNs and the AWS partition they belong to.
 *
 * The account part is checked for digits, not for exactly twelve: the format
 * people copied from the original aws-oidc README has a thirteen-digit
 * example, and STS itself is the authority on whether an account exists.
 */

/** The parts of an IAM role ARN. */
export interface RoleArn {
  partition: string;
  account: string;
  /** The role name, without its path. */
  name: string;
}

const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):iam::(\d{1,16}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

/**
 * Parses `arn:<partition>:iam::<account>:role/<path/><name>`; undefined if it is not one.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function parseRoleArn(arn: string): RoleArn | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1], account: match[2], name: match[4] };
}
