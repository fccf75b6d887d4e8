/**
 * The permissions aws-oidc runs with: the one list used by `deno compile`
 * (scripts/build.ts), by the `aws-oidc` task in deno.json (a test checks that
 * the task spells exactly these flags) and by every test that starts the CLI
 * (tests/helpers/cli.ts). Nothing that runs the program uses `-A`.
 *
 * To let the program read one more environment variable, add its name (or a
 * `PREFIX_*` wildcard) to `ENV` below, and put the new `runTask()` line in
 * deno.json's `aws-oidc` task (tests/permissions_test.ts fails and shows it
 * until then); `deno task test` proves the rest.
 * Reading a variable that is not listed throws `NotCapable`, and the tests
 * that start the CLI fail: a missing permission cannot hide.
 *
 * Why each kind is as wide as it is: see "Permissions" in docs/security.md.
 */

/** Environment variables, by name or `PREFIX_*`. */
export const ENV: readonly string[] = [
  // aws-oidc's own settings (AWS_OIDC_*) and everything the AWS SDK reads (AWS_PROFILE, AWS_REGION,
  // AWS_ENDPOINT_URL_*, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_EC2_METADATA_DISABLED...).
  "AWS_*",
  "_X_AMZN_TRACE_ID", // the AWS SDK's recursion detection (Lambda)
  // The home directory: ~/.aws-oidc, ~/.aws (HOME, or USERPROFILE on Windows; the AWS SDK reads all four at once).
  "HOME",
  "USERPROFILE",
  "HOMEPATH",
  "HOMEDRIVE",
  // Opening a browser: the user's choice, whether there is a display, SSH and WSL detection, the PATH searched
  // for wslview.
  "BROWSER",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "SSH_CONNECTION",
  "SSH_CLIENT",
  "SSH_TTY",
  "WSL_DISTRO_NAME",
  "WSL_INTEROP",
  "PATH",
  // `setup`: where browsers and their profiles (`Local State`) live on Linux and Windows.
  "XDG_CONFIG_HOME",
  "LOCALAPPDATA",
  "PROGRAMFILES",
  "PROGRAMFILES(X86)",
  // `env`: the shell to write statements for; `exec` without a command: the shell to start (ComSpec on Windows).
  "SHELL",
  "ComSpec",
  "PSModulePath",
  // Colours in commander's help.
  "NO_COLOR",
  "FORCE_COLOR",
  "CLICOLOR_FORCE",
  // `eks-token`: the ExecCredential API version kubectl asks for.
  "KUBERNETES_EXEC_INFO",
  // TLS: aws-oidc asks for the operating system's certificate store as well as the bundled roots (src/tls.ts).
  "DENO_TLS_CA_STORE",
];

/** `sys` APIs, by kind (Deno.osRelease and friends; node:os in the AWS SDK). */
export const SYS: readonly string[] = [
  "osRelease", // the AWS SDK's user agent
  "uid", // `doctor`: is the cache directory yours?
];

/**
 * The flags, in the order `deno run` and `deno compile` take them.
 *
 * - env and sys: by name, above.
 * - net: unscoped. The IdP, STS, IAM and sign-in hosts come from the user's config and environment, and the login
 *   listens on 127.0.0.1.
 * - run: unscoped. `exec` and a provider's `agent` run programs the user names; the browser opener runs the OS's
 *   opener; terminal notices go through `/bin/sh` (src/log.ts).
 * - read and write: unscoped. The config, cache, AWS config and credentials files are under the home directory or
 *   wherever `AWS_OIDC_CONFIG`, `AWS_OIDC_CACHE_DIR`, `--node-local-cache`, `AWS_CONFIG_FILE`,
 *   `AWS_SHARED_CREDENTIALS_FILE` or `private_key_file` say: known only at run time, while a compiled binary's
 *   paths are fixed when it is built.
 * - no ffi; no remote modules (`--no-remote`: `--deny-import` alone does not stop Deno's default import hosts);
 *   never a prompt: a missing permission is an error, even at a terminal.
 */
export const PERMISSION_FLAGS: readonly string[] = [
  `--allow-env=${ENV.join(",")}`,
  ...(SYS.length ? [`--allow-sys=${SYS.join(",")}`] : []),
  "--allow-net",
  "--allow-run",
  "--allow-read",
  "--allow-write",
  "--no-remote",
  "--no-prompt",
];

/** The `aws-oidc` task of deno.json: `deno run` with exactly these flags (a word with `*` quoted for the task shell). */
export function runTask(): string {
  const words = PERMISSION_FLAGS.map((flag) => flag.includes("*") ? `'${flag}'` : flag);
  return ["deno", "run", ...words, "main.ts"].join(" ");
}
