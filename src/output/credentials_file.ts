/**
 * Credentials as a named profile in the shared credentials file
 * (`~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`), for tools that
 * cannot run a credential_process.
 *
 * Only that profile's section changes. Its credential keys are replaced; every
 * other line of the file — other sections, comments, blank lines, the section's
 * own other keys such as `region` — is kept byte for byte, line endings included.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 */
import type { CredentialEntry } from "../cache/entries.ts";
import { AwsOidcError, UsageError } from "../errors.ts";
import { writeFileAtomic } from "../io.ts";

/**
 * The keys aws-oidc writes, in this order. `x_security_token_expires` is not
 * read by the SDKs; it tells people and tools (aws-vault, saml2aws do the same)
 * when the session ends.
 */
export const PROFILE_KEYS = [
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "x_security_token_expires",
] as const;

/** Keys removed from the section besides {@link PROFILE_KEYS}: the old name of the session token, which would go stale. */
const STALE_KEYS = new Set<string>([...PROFILE_KEYS, "aws_security_token"]);

/**
 * The shared credentials file: `AWS_SHARED_CREDENTIALS_FILE` (a leading `~`
 * expanded, as the AWS CLI does), else `~/.aws/credentials`.
 *
 * @throws {AwsOidcError} when the home directory is needed and unknown.
 */
export function credentialsFilePath(env: (name: string) => string | undefined, os: string = Deno.build.os): string {
  const separator = os === "windows" ? "\\" : "/";
  const home = () => {
    const value = (os === "windows" ? env("USERPROFILE") : undefined) || env("HOME");
    if (value) return value.replace(/[\\/]+$/, "");
    throw new AwsOidcError("Cannot find the home directory for the AWS credentials file", {
      hint: "set HOME, or AWS_SHARED_CREDENTIALS_FILE",
    });
  };
  const chosen = env("AWS_SHARED_CREDENTIALS_FILE");
  if (!chosen) return [home(), ".aws", "credentials"].join(separator);
  if (chosen === "~") return home();
  if (/^~[\\/]/.test(chosen)) return home() + separator + chosen.slice(2);
  return chosen;
}

/**
 * Checks a profile name for `[name]`: not empty, no brackets, no control
 * characters, no surrounding whitespace (the SDKs would trim it).
 *
 * @throws {UsageError} otherwise.
 */
export function checkProfileName(name: string): string {
  if (name === "" || /[[\]\p{Cc}]/u.test(name) || name.trim() !== name) {
    throw new UsageError(`Invalid profile name: "${name}"`, {
      hint: "use letters, digits and -_.@+ in --profile-name, e.g. --profile-name work",
    });
  }
  return name;
}

/** The `key = value` pairs written for `credentials`. */
export function profileValues(credentials: CredentialEntry): Record<typeof PROFILE_KEYS[number], string> {
  return {
    aws_access_key_id: credentials.accessKeyId,
    aws_secret_access_key: credentials.secretAccessKey,
    aws_session_token: credentials.sessionToken,
    x_security_token_expires: credentials.expiration,
  };
}

/**
 * `text` with the section `[profile]` holding `values`: they are written right
 * after its header, its earlier credential keys (and their continuation lines)
 * are removed, and everything else stays as it was. A section that appears
 * more than once loses its credential keys in each, and gets `values` in the
 * first. A missing section is appended, after a blank line. A section ends at
 * the next line that starts with `[`.
 */
export function replaceProfile(text: string, profile: string, values: Record<string, string>): string {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const body = Object.entries(values).map(([key, value]) => `${key} = ${checkValue(key, value)}${newline}`);
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let inSection = false;
  let found = false;
  let droppingContinuation = false;
  for (const line of lines) {
    const content = line.replace(/\r?\n$/, "");
    const header = /^\s*\[([^\]]*)\]/.exec(content);
    if (header || /^\s*\[/.test(content)) {
      inSection = header?.[1].trim() === profile;
      droppingContinuation = false;
      if (inSection && !found) {
        found = true;
        out.push(line.endsWith("\n") ? line : line + newline, ...body);
        continue;
      }
    } else if (inSection) {
      if (droppingContinuation && /^[ \t]+\S/.test(content)) continue;
      droppingContinuation = false;
      const key = /^([^\s=:#;][^=:]*?)\s*[=:]/.exec(content)?.[1].toLowerCase();
      if (key !== undefined && STALE_KEYS.has(key)) {
        droppingContinuation = true;
        continue;
      }
    }
    out.push(line);
  }
  if (found) return out.join("");
  let prefix = text;
  if (prefix !== "" && !prefix.endsWith("\n")) prefix += newline;
  if (prefix.trim() !== "" && !prefix.endsWith(`${newline}${newline}`)) prefix += newline;
  return `${prefix}[${profile}]${newline}${body.join("")}`;
}

function checkValue(key: string, value: string): string {
  if (/[\r\n\0]/.test(value) || value.trim() !== value) {
    throw new AwsOidcError(
      `Cannot write ${key} to the credentials file: the value has a line break or surrounding space`,
      {
        hint: "use --format json",
      },
    );
  }
  return value;
}

/**
 * Writes `values` as `[profile]` into the file at `path` (see
 * {@link replaceProfile}), creating the file and its directory (0700) when
 * missing. The new file is written beside the old one with mode 0600 and
 * renamed over it, so readers see the old file or the new one, never half.
 *
 * A symbolic link at `path` is refused rather than followed: the rename would
 * replace the link itself with a regular file, silently detaching it from its
 * target.
 *
 * @throws {AwsOidcError} when the file is a link, not a regular file, not UTF-8, or cannot be written.
 */
export async function writeProfile(path: string, profile: string, values: Record<string, string>): Promise<void> {
  const text = await readExisting(path);
  const updated = replaceProfile(text, profile, values);
  const dir = path.replace(/[\\/][^\\/]*$/, "") || ".";
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cannotWrite(path, error);
  }
  try {
    await writeFileAtomic(path, new TextEncoder().encode(updated));
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

async function readExisting(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink) {
      throw new AwsOidcError(`The AWS credentials file "${path}" is a symbolic link`, {
        hint: "aws-oidc replaces the file atomically, which would replace the link: " +
          "point AWS_SHARED_CREDENTIALS_FILE at the link's target instead",
      });
    }
    if (!info.isFile) {
      throw new AwsOidcError(`The AWS credentials file "${path}" is not a regular file`, {
        hint: "set AWS_SHARED_CREDENTIALS_FILE to a file path",
      });
    }
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    if (error instanceof AwsOidcError) throw error;
    throw new AwsOidcError(`Cannot read the AWS credentials file "${path}": ${(error as Error).message}`, {
      hint: "check its permissions",
      cause: error,
    });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new AwsOidcError(`The AWS credentials file "${path}" is not UTF-8 text`, {
      hint: "fix or move the file; aws-oidc does not rewrite what it cannot read",
      cause: error,
    });
  }
}

function cannotWrite(path: string, error: unknown): AwsOidcError {
  return new AwsOidcError(`Cannot write the AWS credentials file "${path}": ${(error as Error).message}`, {
    hint: "check that its directory is writable, or choose another file with AWS_SHARED_CREDENTIALS_FILE",
    cause: error,
  });
}
