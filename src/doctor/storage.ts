/**
 * `doctor`'s storage check: where each provider's tokens are kept
 * (`storage`), and why; and where STS credentials are. Reads the keychain's
 * item, never creates one.
 */
import type { Provider } from "../config/provider.ts";
import { cacheDir } from "../cache/dir.ts";
import { type Keychain, systemKeychain } from "../cache/keychain/mod.ts";
import { type CheckResult, fail, ok } from "./report.ts";

/** One result per `storage` value in use, and one for the STS credentials. */
export async function checkStorage(
  providers: Provider[],
  env: (name: string) => string | undefined,
  keychain?: Keychain,
): Promise<CheckResult[]> {
  if (providers.length === 0) return [];
  let dir: string;
  try {
    dir = cacheDir(undefined, env);
  } catch (error) {
    return [fail("storage", error)];
  }
  const store = keychain ?? systemKeychain({ dir });
  const modes = new Map<Provider["storage"], string[]>();
  for (const provider of providers) modes.set(provider.storage, [...modes.get(provider.storage) ?? [], provider.name]);
  const probe = [...modes.keys()].some((mode) => mode !== "file") ? await tryKeychain(store) : undefined;
  const results: CheckResult[] = [];
  for (const [mode, names] of modes) {
    const whose = `Tokens of ${names.map((name) => `"${name}"`).join(", ")}`;
    if (mode === "file") {
      results.push(ok("storage", `${whose}: 0600 files in "${dir}" (storage = "file")`));
    } else if (probe?.ok) {
      results.push(ok(
        "storage",
        `${whose}: refresh and ID tokens sealed (AES-256-GCM) with a data key in ${store.where} (storage = "${mode}")${
          probe.hasKey ? "" : "; the key is made at the next login"
        }`,
      ));
    } else if (mode === "auto") {
      results.push(ok("storage", `${whose}: 0600 files in "${dir}", as the keychain cannot be used: ${probe?.reason}`));
    } else {
      results.push(fail("storage", `${whose}: storage = "keychain", but ${probe?.reason}`, { hint: probe?.hint }));
    }
  }
  results.push(ok(
    "storage",
    `STS credentials: 0600 files in "${dir}", never the keychain (the cached auth path reads them without spawning anything)`,
  ));
  return results;
}

async function tryKeychain(
  keychain: Keychain,
): Promise<{ ok: true; hasKey: boolean } | { ok: false; reason: string; hint?: string }> {
  try {
    return { ok: true, hasKey: await keychain.read() !== undefined };
  } catch (error) {
    const reason = (error as Error).message.replace(/^./, (first) => first.toLowerCase());
    return { ok: false, reason, hint: (error as { hint?: string }).hint };
  }
}
