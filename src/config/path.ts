/**
 * Where the config file is: `--config`, then `AWS_OIDC_CONFIG`, then
 * `~/.aws-oidc/config`. Kept apart from the TOML parser so the fast cached
 * path can find the file without loading it.
 */
import { ConfigError } from "../errors.ts";
import { joinPath } from "../paths.ts";

/** The config file's path. */
export function configPath(flag: string | undefined, env: (name: string) => string | undefined): string {
  if (flag) return flag;
  const fromEnv = env("AWS_OIDC_CONFIG");
  if (fromEnv) return fromEnv;
  const home = env("HOME") ?? env("USERPROFILE");
  if (!home) {
    throw new ConfigError("Cannot find the home directory to locate the config", {
      hint: "set HOME, or pass --config / AWS_OIDC_CONFIG",
    });
  }
  return joinPath(home, ".aws-oidc", "config");
}
