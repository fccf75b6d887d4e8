/**
 * The macOS login keychain via `/usr/bin/security -i`: the commands, the
 * secret among them, go to its stdin, never its arguments. Interactive mode
 * reads a line of limited length, which is why the item is a small data key.
 *
 * @see https://ss64.com/mac/security.html
 */
import { type Keychain, type Runner, toolFailed } from "./mod.ts";

const TOOL = "/usr/bin/security";
// One word each: `security -i` splits its input line at spaces.
const ACCOUNT = "data-key";
const SERVICE = "aws-oidc";
const HINT = 'unlock the login keychain (security unlock-keychain), or set storage = "file"';
const NOT_FOUND = /could not be found/i;

/** The commands {@link macosKeychain} sends, exported for the tests that check them. */
export const MACOS_COMMANDS = {
  read: `find-generic-password -a ${ACCOUNT} -s ${SERVICE} -w\n`,
  write: (secret: string) => `add-generic-password -U -a ${ACCOUNT} -s ${SERVICE} -l ${SERVICE} -w ${secret}\n`,
  remove: `delete-generic-password -a ${ACCOUNT} -s ${SERVICE}\n`,
};

/** The login keychain as a {@link Keychain}. */
export function macosKeychain(run: Runner): Keychain {
  // `security -i` keeps going after a failed command and may exit 0: its stderr tells.
  const send = (commands: string) => run(TOOL, ["-i"], commands);
  return {
    name: "macos-keychain",
    where: `the login keychain (item "${SERVICE}", account "${ACCOUNT}")`,
    async read() {
      const result = await send(MACOS_COMMANDS.read);
      if (NOT_FOUND.test(result.stderr)) return undefined;
      const value = result.stdout.trim();
      if (result.code !== 0 || result.stderr.trim() !== "" || value === "") {
        throw toolFailed(TOOL, result, "read the data key from the login keychain", HINT);
      }
      return value;
    },
    async write(secret) {
      if (!/^[\w:+/=.-]+$/.test(secret)) throw new Error("A keychain item must be one word of base64 and colons");
      const result = await send(MACOS_COMMANDS.write(secret));
      if (result.code !== 0 || result.stderr.trim() !== "") {
        throw toolFailed(TOOL, result, "store the data key in the login keychain", HINT);
      }
    },
    async remove() {
      const result = await send(MACOS_COMMANDS.remove);
      if (NOT_FOUND.test(result.stderr)) return false;
      if (result.code !== 0 || result.stderr.trim() !== "") {
        throw toolFailed(TOOL, result, "remove the data key from the login keychain", HINT);
      }
      return true;
    },
  };
}
