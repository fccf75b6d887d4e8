/**
 * `doctor`'s cache checks: the directory is private (0700, ours) and so are its files (0600); and what the cached
 * tokens have shown about each provider's IdP (one that sends no ID token on refresh).
 */
import { cacheDir } from "../cache/dir.ts";
import { cacheNames, NO_ID_TOKEN_ON_REFRESH_HINT } from "../cache/entries.ts";
import type { Provider } from "../config/provider.ts";
import { joinPath } from "../paths.ts";
import { type CheckResult, fail, ok, warn } from "./report.ts";

const WINDOWS = Deno.build.os === "windows";

/** Checks the shared cache directory and, when one is set, the node-local one. Changes nothing. */
export async function checkCache(env: (name: string) => string | undefined): Promise<CheckResult[]> {
  let shared: string;
  try {
    shared = cacheDir(undefined, env);
  } catch (error) {
    return [fail("cache", error)];
  }
  const nodeLocal = env("AWS_OIDC_NODE_LOCAL_CACHE");
  const dirs = nodeLocal ? [shared, nodeLocal] : [shared];
  return await Promise.all(dirs.map(checkDirectory));
}

/**
 * Warns for each provider that sends its ID token to STS while the cached tokens show that its IdP sends no
 * ID token on refresh. Reads the token files only (no mode fixing: doctor changes nothing).
 */
export async function checkRefreshes(
  providers: Provider[],
  env: (name: string) => string | undefined,
): Promise<CheckResult[]> {
  let dirs: string[];
  try {
    const nodeLocal = env("AWS_OIDC_NODE_LOCAL_CACHE");
    dirs = nodeLocal ? [nodeLocal, cacheDir(undefined, env)] : [cacheDir(undefined, env)];
  } catch {
    return []; // the cache check reports it
  }
  const results: CheckResult[] = [];
  for (const provider of providers) {
    if (provider.token !== "id_token" || provider.flow === "client_credentials") continue;
    const { tokens } = await cacheNames(provider);
    for (const dir of dirs) {
      let entry: { refreshSendsNoIdToken?: unknown } | undefined;
      try {
        entry = JSON.parse(await Deno.readTextFile(joinPath(dir, tokens)));
      } catch {
        continue; // none cached here, or unreadable (the cache check and the next login deal with it)
      }
      if (entry?.refreshSendsNoIdToken === true) {
        results.push(
          warn(
            "refresh",
            `Provider "${provider.name}": its identity provider sends no ID token on refresh, so each time the ` +
              "ID token expires the browser opens",
            { hint: NO_ID_TOKEN_ON_REFRESH_HINT, subject: provider.name },
          ),
        );
      }
      break;
    }
  }
  return results;
}

async function checkDirectory(dir: string): Promise<CheckResult> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return ok("cache", `Cache directory "${dir}" does not exist yet; it is made with mode 0700 on first use`);
    }
    return fail("cache", `Cannot read the cache directory "${dir}": ${(error as Error).message}`, {
      hint: "check its permissions, or choose another directory with AWS_OIDC_CACHE_DIR",
    });
  }
  if (!info.isDirectory) {
    return fail("cache", `Cache directory "${dir}" is not a directory`, {
      hint: "remove or rename that file, or choose another directory with AWS_OIDC_CACHE_DIR",
    });
  }
  if (WINDOWS || info.mode === null) return ok("cache", `Cache directory "${dir}" exists (modes are not checked here)`);
  if (info.uid !== null && info.uid !== Deno.uid()) {
    return fail("cache", `Cache directory "${dir}" belongs to another user (uid ${info.uid})`, {
      hint: "use a directory of your own: AWS_OIDC_CACHE_DIR, or remove this one",
    });
  }
  if ((info.mode & 0o077) !== 0) {
    return fail("cache", `Cache directory "${dir}" has mode ${octal(info.mode)}: others can read your sessions`, {
      hint: `run chmod 700 "${dir}"; aws-oidc also fixes it the next time it uses the cache`,
    });
  }
  const loose: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile) continue;
      const mode = await fileMode(joinPath(dir, entry.name));
      if (mode !== null && (mode & 0o077) !== 0) loose.push(`"${entry.name}" (${octal(mode)})`);
    }
  } catch (error) {
    return fail("cache", `Cannot list the cache directory "${dir}": ${(error as Error).message}`, {
      hint: `run chmod 700 "${dir}", or choose another directory with AWS_OIDC_CACHE_DIR`,
    });
  }
  if (loose.length > 0) {
    return fail("cache", `Cache files in "${dir}" are open to others: ${loose.join(", ")}`, {
      hint: `run chmod 600 on them; aws-oidc also fixes each when it next reads it`,
    });
  }
  return ok("cache", `Cache directory "${dir}" is private (mode ${octal(info.mode)})`);
}

/** A file's mode; null when it is gone (renamed or removed while we looked: another aws-oidc at work). */
async function fileMode(path: string): Promise<number | null> {
  try {
    return (await Deno.lstat(path)).mode;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
