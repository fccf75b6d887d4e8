/**
 * The names completed at completion time: the providers in the config file
 * and the `~/.aws/config` profiles whose credential_process runs aws-oidc.
 * Never throws: a broken config completes nothing rather than printing into
 * the person's shell.
 */
import { configPath, loadConfigFile } from "../config/load.ts";
import { providerNames } from "../config/resolve.ts";
import { awsConfigPath, parseAwsConfig } from "../aws/profiles.ts";
import { parseCredentialProcess } from "../aws/credential_process.ts";

/** Provider names, in config order. */
export async function completeProviders(
  configFlag: string | undefined,
  env: (name: string) => string | undefined,
): Promise<string[]> {
  try {
    return [...new Set(providerNames(await loadConfigFile(configPath(configFlag, env))))];
  } catch {
    return [];
  }
}

/** Profiles whose credential_process runs aws-oidc (`isSelf` recognises its program word). */
export async function completeProfiles(
  env: (name: string) => string | undefined,
  isSelf: (word: string) => boolean,
): Promise<string[]> {
  try {
    const profiles = parseAwsConfig(await Deno.readTextFile(awsConfigPath(env)));
    return [...profiles].filter(([, settings]) =>
      settings.credential_process !== undefined &&
      parseCredentialProcess(settings.credential_process, isSelf) !== undefined
    ).map(([name]) => name);
  } catch {
    return [];
  }
}
