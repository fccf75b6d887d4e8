/**
 * The cache directory's location. Apart from the store so the fast cached
 * path can find the directory without loading the store.
 */
import { AwsOidcError } from "../errors.ts";
import { joinPath } from "../paths.ts";

const WINDOWS = Deno.build.os === "windows";

/**
 * The cache directory: the flag, else `AWS_OIDC_CACHE_DIR`, else
 * `~/.aws-oidc/cache`. Empty values count as unset; a leading `~` is expanded.
 *
 * @throws {AwsOidcError} when the home directory is needed and unknown.
 */
export function cacheDir(flag: string | undefined, env: (name: string) => string | undefined): string {
  const home = () => {
    const value = env(WINDOWS ? "USERPROFILE" : "HOME") || env("HOME");
    if (value) return value;
    throw new AwsOidcError("Cannot find the home directory for the cache", {
      hint: "set HOME, or AWS_OIDC_CACHE_DIR",
    });
  };
  const chosen = flag || env("AWS_OIDC_CACHE_DIR");
  if (!chosen) return joinPath(home(), ".aws-oidc", "cache");
  if (chosen === "~") return home();
  if (chosen.startsWith("~/") || (WINDOWS && chosen.startsWith("~\\"))) return joinPath(home(), chosen.slice(2));
  return chosen;
}
