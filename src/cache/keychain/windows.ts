/**
 * Windows: the data key protected with DPAPI (`ProtectedData`, CurrentUser
 * scope) in a file beside the cache, through `powershell -NoProfile
 * -NonInteractive -Command -` with the script, the secret in it, on stdin.
 *
 * Why DPAPI rather than the Credential Manager: PowerShell reaches DPAPI
 * through a .NET class that ships with it, while the Credential Manager needs
 * `CredRead`/`CredWrite` declared through `Add-Type`, which compiles C# on
 * every run (a second or more, and flagged by endpoint protection). DPAPI
 * ties the blob to the user's Windows login, as the Credential Manager
 * does; only that user, on that machine, can unprotect it.
 *
 * @see https://learn.microsoft.com/dotnet/api/system.security.cryptography.protecteddata
 */
import { joinPath } from "../../paths.ts";
import { type Keychain, type Runner, toolFailed } from "./_tool.ts";

const TOOL = "powershell";
/** The command line: no profile, no prompts, the script from stdin. */
export const POWERSHELL_ARGS = ["-NoProfile", "-NonInteractive", "-Command", "-"];
/** The file the protected data key of `service` is kept in, inside the cache directory. */
export function dpapiFile(service: string): string {
  return service === "aws-oidc" ? "data-key.dpapi" : `data-key-${service}.dpapi`;
}
const HINT = 'set storage = "file" if DPAPI cannot be used on this machine';
const ABSENT = 3;

/** PowerShell scripts, one statement a line (`-Command -` runs stdin line by line). */
export function dpapiScripts(path: string) {
  const file = `'${path.replaceAll("'", "''")}'`;
  const head = ["$ErrorActionPreference = 'Stop'", "Add-Type -AssemblyName System.Security", `$p = ${file}`];
  return {
    read: [
      ...head,
      `if (-not (Test-Path -LiteralPath $p)) { exit ${ABSENT} }`,
      "$b = [Security.Cryptography.ProtectedData]::Unprotect([IO.File]::ReadAllBytes($p), $null, 'CurrentUser')",
      "[Console]::Out.Write([Text.Encoding]::UTF8.GetString($b))",
      "exit 0",
    ].join("\n") + "\n",
    write: (secret: string) =>
      [
        ...head,
        `$b = [Text.Encoding]::UTF8.GetBytes('${secret.replaceAll("'", "''")}')`,
        "$e = [Security.Cryptography.ProtectedData]::Protect($b, $null, 'CurrentUser')",
        "[IO.File]::WriteAllBytes($p, $e)",
        "exit 0",
      ].join("\n") + "\n",
  };
}

/** DPAPI as a {@link Keychain}. */
export function windowsDpapi(run: Runner, dir: string, service: string): Keychain {
  const path = joinPath(dir, dpapiFile(service));
  const scripts = dpapiScripts(path);
  return {
    name: "windows-dpapi",
    where: `DPAPI (the current user's key), in "${path}"`,
    async read() {
      const result = await run(TOOL, POWERSHELL_ARGS, scripts.read);
      if (result.code === ABSENT) return undefined;
      if (result.code !== 0 || result.stdout.trim() === "") {
        throw toolFailed(TOOL, result, "read the data key with DPAPI", HINT);
      }
      return result.stdout.trim();
    },
    async write(secret) {
      const result = await run(TOOL, POWERSHELL_ARGS, scripts.write(secret));
      if (result.code !== 0) throw toolFailed(TOOL, result, "protect the data key with DPAPI", HINT);
    },
    async remove() {
      try {
        await Deno.remove(path);
        return true;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      }
    },
  };
}
