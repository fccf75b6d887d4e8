/**
 * Reading `~/.aws/config` (or `AWS_CONFIG_FILE`) the way the AWS CLI does, for
 * `exec <profile>`: a profile's `credential_process` and `region`.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */
import { UsageError } from "../errors.ts";
import { type CredentialProcessLine, parseCredentialProcess } from "./credential_process.ts";
import { awsConfigPath } from "./config_path.ts";

/** The settings of one profile. */
export type ProfileSettings = Record<string, string>;

export { awsConfigPath };

/** Parses the INI file into profiles: `[default]` and `[profile name]` sections. */
export function parseAwsConfig(text: string): Map<string, ProfileSettings> {
  const profiles = new Map<string, ProfileSettings>();
  let current: ProfileSettings | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const name = header[1];
      // `[profile default]` and `[default]` are the same profile; `[sso-session x]` and `[services x]` are not profiles.
      current = /^(sso-session|services)\s/.test(name) ? undefined : profiles.get(name) ?? {};
      if (current) profiles.set(name, current);
      continue;
    }
    // Indented lines continue a nested setting (s3 = …); not needed here.
    if (!current || /^\s/.test(raw)) continue;
    const equals = line.indexOf("=");
    if (equals > 0) current[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
  }
  return profiles;
}

/**
 * The aws-oidc `auth` arguments inside a profile's credential_process, e.g. `["google", "--duration", "7200"]`
 * (read by {@link parseCredentialProcess}, which also gives the global options before `auth`).
 */
export function authArgumentsOf(credentialProcess: string, isSelf: (word: string) => boolean): string[] | undefined {
  return parseCredentialProcess(credentialProcess, isSelf)?.args;
}

/** A profile that runs aws-oidc: its `auth` arguments, the global options before them, and its region. */
export interface AwsOidcProfile {
  name: string;
  authArgs: string[];
  globals: CredentialProcessLine["globals"];
  region?: string;
}

/** Finds `name` in the AWS config and checks that its credential_process is aws-oidc. */
export async function readAwsOidcProfile(
  name: string,
  env: (name: string) => string | undefined,
  isSelf: (word: string) => boolean,
): Promise<AwsOidcProfile> {
  const path = awsConfigPath(env);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read the AWS config "${path}": ${(error as Error).message}`, {
      hint: "create it, set AWS_CONFIG_FILE, or use exec --provider <name>",
      cause: error,
    });
  }
  const profiles = parseAwsConfig(text);
  const profile = profiles.get(name);
  if (!profile) {
    throw new UsageError(`No profile "${name}" in "${path}"`, {
      hint: `known profiles: ${[...profiles.keys()].map((p) => `"${p}"`).join(", ") || "none"}`,
    });
  }
  const process = profile.credential_process;
  const line = process ? parseCredentialProcess(process, isSelf) : undefined;
  if (!line) {
    throw new UsageError(`Profile "${name}" does not get its credentials from aws-oidc`, {
      hint: 'its credential_process should be "aws-oidc auth <provider> …"; or use exec --provider <name>',
    });
  }
  return { name, authArgs: line.args, globals: line.globals, region: profile.region };
}
