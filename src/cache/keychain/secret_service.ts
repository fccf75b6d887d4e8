/**
 * The freedesktop.org Secret Service (gnome-keyring, KeePassXC, KWallet) via
 * libsecret's `secret-tool`: `store` reads the secret from stdin, `lookup`
 * writes it to stdout, so it is on no command line. Needs a D-Bus session and
 * an unlocked collection; over SSH or on a headless box there is often none.
 *
 * @see https://specifications.freedesktop.org/secret-service-spec/latest/
 */
import { type Keychain, type Runner, toolFailed } from "./_tool.ts";

const TOOL = "secret-tool";
/** The item's attributes for `service`: what `secret-tool search service aws-oidc` finds. */
function attributes(service: string): string[] {
  return ["service", service, "kind", "data-key"];
}
const HINT = "it needs a D-Bus session and an unlocked keyring (gnome-keyring, KeePassXC…); " +
  'over SSH or without one, set storage = "file"';

/** The Secret Service as a {@link Keychain}; `service` names the item. */
export function secretService(run: Runner, service: string): Keychain {
  const item = attributes(service);
  return {
    name: "secret-service",
    where: `the Secret Service (secret-tool search ${item.join(" ")})`,
    async read() {
      const result = await run(TOOL, ["lookup", ...item], "");
      if (result.code === 0) return result.stdout.trim() || undefined;
      // `lookup` exits 1 silently when nothing matches; anything said on stderr is a failure.
      if (result.code === 1 && result.stderr.trim() === "") return undefined;
      throw toolFailed(TOOL, result, "read the data key from the Secret Service", HINT);
    },
    async write(secret) {
      const result = await run(TOOL, ["store", "--label=aws-oidc data key", ...item], secret);
      if (result.code !== 0) throw toolFailed(TOOL, result, "store the data key in the Secret Service", HINT);
    },
    async remove() {
      if (await this.read() === undefined) return false;
      const result = await run(TOOL, ["clear", ...item], "");
      if (result.code !== 0) throw toolFailed(TOOL, result, "remove the data key from the Secret Service", HINT);
      return true;
    },
  };
}
