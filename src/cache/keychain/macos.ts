/**
 * The macOS login keychain via `/usr/bin/security -i`: the commands, the
 * secret among them, go to its stdin, never its arguments. Interactive mode
 * reads a line of limited length, which is why the item is a small data key.
 *
 * @see https://ss64.com/mac/security.html
 */
import { type Keychain, type Runner, toolFailed } from "./_tool.ts";

const TOOL = "/usr/bin/security";
// One word each: `security -i` splits its input line at spaces.
const ACCOUNT = "data-key";
const HINT = 'unlock the login keychain (security unlock-keychain), or set storage = "file"';
const NOT_FOUND = /could not be found/i;

/** The commands {@link macosKeychain} sends for the item of `service`. */
function macosCommands(service: string) {
  return {
    read: `find-generic-password -a ${ACCOUNT} -s ${service} -w\n`,
    write: (secret: string) => `add-generic-password -U -a ${ACCOUNT} -s ${service} -l ${service} -w ${secret}\n`,
    remove: `delete-generic-password -a ${ACCOUNT} -s ${service}\n`,
  };
}

/** The login keychain as a {@link Keychain}; `service` names the item (one word). */
export function macosKeychain(run: Runner, service: string): Keychain {
  const commands = macosCommands(service);
  // `security -i` keeps going after a failed command and may exit 0: its stderr tells.
  const send = (commands: string) => run(TOOL, ["-i"], commands);
  return {
    name: "macos-keychain",
    where: `the login keychain (item "${service}", account "${ACCOUNT}")`,
    async read() {
      const result = await send(commands.read);
      if (NOT_FOUND.test(result.stderr)) return undefined;
      const value = result.stdout.trim();
      if (result.code !== 0 || result.stderr.trim() !== "" || value === "") {
        throw toolFailed(TOOL, result, "read the data key from the login keychain", HINT);
      }
      return value;
    },
    async write(secret) {
      if (!/^[\w:+/=.-]+$/.test(secret)) throw new Error("A keychain item must be one word of base64 and colons");
      const result = await send(commands.write(secret));
      if (result.code !== 0 || result.stderr.trim() !== "") {
        throw toolFailed(TOOL, result, "store the data key in the login keychain", HINT);
      }
    },
    async remove() {
      const result = await send(commands.remove);
      if (NOT_FOUND.test(result.stderr)) return false;
      if (result.code !== 0 || result.stderr.trim() !== "") {
        throw toolFailed(TOOL, result, "remove the data key from the login keychain", HINT);
      }
      return true;
    },
  };
}
