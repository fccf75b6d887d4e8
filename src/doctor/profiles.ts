/**
 * `doctor`'s check of `~/.aws/config` (or `AWS_CONFIG_FILE`): each profile
 * whose `credential_process` runs aws-oidc names a program that exists and a
 * provider that the config it reads defines.
 */
import { awsConfigPath, parseAwsConfig } from "../aws/profiles.ts";
import { isThisProgram, parseCredentialProcess } from "../aws/credential_process.ts";
import { loadConfigFile } from "../config/load.ts";
import { providerNames } from "../config/resolve.ts";
import { joinPath } from "../paths.ts";
import { readTextIfPresent } from "../io.ts";
import { type CheckResult, fail, ok, warn } from "./report.ts";

const WINDOWS = Deno.build.os === "windows";

/** Inputs of {@link checkProfiles}. */
export interface ProfileCheckInput {
  env: (name: string) => string | undefined;
  /** The config doctor checked, and the providers it defines. */
  configPath: string;
  providers: string[];
  /** Only profiles that use this provider. */
  only?: string;
}

/** One result per aws-oidc profile; a warning when there is none. */
export async function checkProfiles(input: ProfileCheckInput): Promise<CheckResult[]> {
  const path = awsConfigPath(input.env);
  let text: string;
  try {
    text = await readTextIfPresent(path) ?? "";
  } catch (error) {
    return [fail("profile", `Cannot read the AWS config "${path}": ${(error as Error).message}`, {
      hint: "check its permissions, or set AWS_CONFIG_FILE",
    })];
  }
  const results: CheckResult[] = [];
  for (const [name, settings] of parseAwsConfig(text)) {
    const line = settings.credential_process;
    const parsed = line ? parseCredentialProcess(line, isThisProgram) : undefined;
    if (!parsed) continue;
    const { words, provider, config } = parsed;
    if (input.only !== undefined && provider !== input.only) continue;
    results.push(await checkProfile(name, { words, provider, config }, input));
  }
  if (results.length === 0 && input.only === undefined) {
    results.push(warn("profile", `No profile in "${path}" gets its credentials from aws-oidc`, {
      hint: "add one: [profile name] with credential_process = aws-oidc auth <provider>; see aws-oidc auth --help",
    }));
  }
  return results;
}

async function checkProfile(
  name: string,
  line: { words: string[]; provider?: string; config?: string },
  input: ProfileCheckInput,
): Promise<CheckResult> {
  const what = `Profile "${name}"`;
  const program = findExecutable(line.words[0], input.env);
  if (!program) {
    return fail("profile", `${what} runs "${line.words[0]}", which is not an executable file or on PATH`, {
      subject: name,
      hint: "put the full path of the aws-oidc binary in its credential_process",
    });
  }
  const self = line.words.findIndex(isThisProgram);
  if (self > 0 && /[\\/]/.test(line.words[self]) && !(await isFile(line.words[self]))) {
    return fail("profile", `${what} runs "${line.words[self]}", which does not exist`, {
      subject: name,
      hint: "fix the path in its credential_process",
    });
  }
  if (line.provider === undefined) {
    return fail("profile", `${what} runs aws-oidc auth without a provider name`, {
      subject: name,
      hint: "write credential_process = aws-oidc auth <provider>",
    });
  }
  let known = input.providers;
  const configPath = line.config ?? input.configPath;
  if (line.config !== undefined && line.config !== input.configPath) {
    try {
      known = providerNames(await loadConfigFile(line.config));
    } catch (error) {
      return fail(
        "profile",
        `${what} reads the config "${line.config}", which is unusable: ${(error as Error).message}`,
        {
          subject: name,
          hint: "fix that file or the --config in its credential_process",
        },
      );
    }
  }
  if (!known.includes(line.provider)) {
    return fail("profile", `${what} asks for provider "${line.provider}", which "${configPath}" does not define`, {
      subject: name,
      hint: known.length ? `use one of ${known.map((known) => `"${known}"`).join(", ")}` : "add that provider",
    });
  }
  return ok("profile", `${what} runs "${program}" for provider "${line.provider}"`, name);
}

/** The path a command word runs: itself when it has a directory part, else the first match on PATH. */
export function findExecutable(word: string, env: (name: string) => string | undefined): string | undefined {
  const candidates = /[\\/]/.test(word) ? [word] : (env("PATH") ?? "").split(WINDOWS ? ";" : ":")
    .filter((dir) => dir !== "")
    .flatMap((dir) =>
      WINDOWS ? ["", ".exe", ".cmd", ".bat"].map((ext) => joinPath(dir, word + ext)) : [joinPath(dir, word)]
    );
  return candidates.find((path) => {
    try {
      const info = Deno.statSync(path);
      return info.isFile && (WINDOWS || info.mode === null || (info.mode & 0o111) !== 0);
    } catch {
      return false;
    }
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
