/**
 * The token cache, sealed: the secrets of a token file (ID, access and
 * refresh tokens) encrypted with AES-256-GCM (WebCrypto) under one random
 * data key per user, which lives in the OS keychain (./keychain/mod.ts). The
 * rest of the entry (issuer, client, subject, expiries, naming claims) stays
 * readable, so the fast `auth` path still checks the subject without the
 * keychain; the additional data binds the ciphertext to the key's identity,
 * the file name and that identity, so a box cannot be moved to another file.
 * STS credentials are not sealed: they stay in their 0600 files (short-lived,
 * and the fast path must read them without spawning anything).
 *
 * `storage`: "keychain" seals or fails with the reason; "file" writes plain
 * files; "auto" seals when the keychain works, else writes plain files and
 * says so once (until the reason changes). A sealed file is opened whatever
 * the mode; one whose key is gone reads as tokens without secrets, so the
 * next step is a clean login. A plain file is sealed at its next write (at
 * once under "keychain").
 *
 * @see https://www.w3.org/TR/WebCryptoAPI/#aes-gcm
 */
import { AwsOidcError } from "../errors.ts";
import type { Log } from "../log.ts";
import type { CacheStore } from "./store.ts";
import type { TokenEntry } from "./entries.ts";
import { cacheFileKind, canonicalJson } from "./keys.ts";
import { type Keychain, KeychainUnavailable } from "./keychain/mod.ts";

/** Where refresh tokens are kept: the `storage` setting. */
export type StorageMode = "auto" | "keychain" | "file";

/** The storage settings' values. */
export const STORAGE_MODES: readonly StorageMode[] = ["auto", "keychain", "file"];

/** The user's data key, as loaded from a keychain. */
export interface DataKey {
  /** Random, recorded in every box it sealed. */
  id: string;
  /** The {@link Keychain.name} it came from. */
  keychain: string;
  key: CryptoKey;
}

/** The encrypted part of a sealed token file. */
export interface SealedBox {
  alg: "A256GCM";
  keychain: string;
  kid: string;
  /** base64url. */
  iv: string;
  /** base64url: ciphertext and tag. */
  ct: string;
  /** Which tokens are inside (not secret: `status` shows whether a refresh token is cached). */
  fields: string[];
}

/** Which storage the store decided on, and why (for `doctor` and notices). */
export interface StorageDecision {
  backend: "keychain" | "file";
  reason: string;
}

const KEY_FORMAT = /^aws-oidc-key:v1:([0-9a-f]{16}):([A-Za-z0-9_-]{43})$/;
const SECRET_FIELDS = ["idToken", "accessToken", "refreshToken"] as const;
/** The marker of the last "auto fell back to files" notice, in the cache directory. */
export const FALLBACK_MARKER = "storage-fallback.json";

/** A new data key's text, as stored in the keychain: 32 random bytes and a random id. */
export function newDataKeyText(): string {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `aws-oidc-key:v1:${id}:${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** Imports a data key's text; throws when it is not one. */
export async function importDataKey(text: string, keychain: string): Promise<DataKey> {
  const match = KEY_FORMAT.exec(text.trim());
  if (!match) {
    throw new KeychainUnavailable(`The aws-oidc item in ${keychain} is not a data key aws-oidc wrote`, {
      hint: "remove it (aws-oidc logout --all does), and log in again",
    });
  }
  const raw = fromBase64url(match[2]);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  return { id: match[1], keychain, key };
}

/**
 * The user's data key from `keychain`; with `create`, one is made when there
 * is none (and read back, so two processes racing agree on the stored one).
 * Throws {@link KeychainUnavailable}.
 */
export async function loadDataKey(keychain: Keychain, options: { create: boolean; log: Log }): Promise<
  DataKey | undefined
> {
  let text = await keychain.read();
  if (text === undefined) {
    if (!options.create) return undefined;
    await keychain.write(newDataKeyText());
    text = await keychain.read();
    if (text === undefined) {
      throw new KeychainUnavailable(`The data key stored in ${keychain.where} cannot be read back`, {
        hint: 'check that the keyring is unlocked, or set storage = "file"',
      });
    }
  }
  options.log.secret(text);
  return await importDataKey(text, keychain.name);
}

/** True when a token file's data carries a {@link SealedBox}. */
export function isSealed(data: Record<string, unknown>): data is Record<string, unknown> & { sealed: SealedBox } {
  const box = data.sealed as SealedBox | undefined;
  return typeof box === "object" && box !== null && box.alg === "A256GCM" &&
    [box.keychain, box.kid, box.iv, box.ct].every((part) => typeof part === "string");
}

/** True when `data` holds `field` in the clear or, by its box's word, sealed. */
export function holdsToken(data: Record<string, unknown>, field: "idToken" | "accessToken" | "refreshToken"): boolean {
  if (typeof data[field] === "string" && data[field] !== "") return true;
  return isSealed(data) && Array.isArray(data.sealed.fields) && data.sealed.fields.includes(field);
}

/**
 * The entry with its secrets sealed: the clear fields, `accessToken` empty
 * (so the file still has a token entry's shape) and `sealed`.
 */
export async function sealEntry(name: string, entry: TokenEntry, key: DataKey): Promise<Record<string, unknown>> {
  const secrets: Record<string, string> = {};
  const clear: Record<string, unknown> = { ...entry };
  for (const field of SECRET_FIELDS) {
    if (entry[field] !== undefined) secrets[field] = entry[field]!;
    delete clear[field];
  }
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(name, entry, key.keychain, key.id) },
    key.key,
    new TextEncoder().encode(JSON.stringify(secrets)),
  );
  const sealed: SealedBox = {
    alg: "A256GCM",
    keychain: key.keychain,
    kid: key.id,
    iv: base64url(iv),
    ct: base64url(new Uint8Array(ct)),
    fields: Object.keys(secrets),
  };
  return { ...clear, accessToken: "", sealed };
}

/** The entry with its secrets back; throws when `key` is not the one, or anything was changed. */
export async function unsealEntry(
  name: string,
  data: Record<string, unknown> & { sealed: SealedBox },
  key: DataKey,
): Promise<TokenEntry> {
  const { sealed, ...clear } = data;
  const plain = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: fromBase64url(sealed.iv),
      additionalData: additionalData(name, clear as unknown as TokenEntry, key.keychain, key.id),
    },
    key.key,
    fromBase64url(sealed.ct),
  );
  const secrets = JSON.parse(new TextDecoder().decode(plain)) as Partial<
    Record<(typeof SECRET_FIELDS)[number], string>
  >;
  return { ...clear, ...secrets, accessToken: secrets.accessToken ?? "" } as TokenEntry;
}

/** The key's identity, the file and the identity it belongs to. */
function additionalData(name: string, entry: TokenEntry, keychain: string, kid: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(canonicalJson({
    v: 1,
    keychain,
    kid,
    name,
    issuer: entry.issuer,
    clientId: entry.clientId,
    sub: entry.sub,
  }));
}

/** Options of {@link sealingStore}. */
export interface SealingOptions {
  mode: StorageMode;
  keychain: Keychain;
  log: Log;
}

/** A {@link CacheStore} that seals token files, and can say what it decided. */
export interface SealingStore extends CacheStore {
  /** Where new tokens go, and why; under "keychain" throws when the keychain cannot be used. */
  decide(): Promise<StorageDecision>;
  /**
   * The files as stored, sealed token files left sealed (their clear fields, such as the subject, are there):
   * for decisions that need no secret, so they never open the keychain. Under "keychain", a token file still
   * holding secrets in the clear is read through the seal instead, which moves them into it.
   */
  readonly clear: CacheStore;
}

/** Wraps `inner` so token files are sealed and unsealed as the module doc says; other files pass through. */
export function sealingStore(inner: CacheStore, options: SealingOptions): SealingStore {
  const { keychain, log, mode } = options;
  let decision: Promise<{ decision: StorageDecision; key?: DataKey }> | undefined;
  let existing: Promise<DataKey | undefined> | undefined;
  const warned = new Set<string>();

  const decideOnce = () =>
    decision ??= (async () => {
      if (mode === "file") return { decision: { backend: "file" as const, reason: 'storage = "file"' } };
      try {
        const key = (await loadDataKey(keychain, { create: true, log }))!;
        return { decision: { backend: "keychain" as const, reason: `the data key is in ${keychain.where}` }, key };
      } catch (error) {
        if (mode === "keychain" || !(error instanceof KeychainUnavailable)) throw error;
        const reason = `the keychain cannot be used: ${error.message}`;
        await noticeFallbackOnce(inner, reason, log);
        return { decision: { backend: "file" as const, reason } };
      }
    })();
  /** The stored key for opening boxes, never created; undefined when there is none or no keychain. */
  const existingKey = async () => {
    const decided = decision ? (await decision.catch(() => undefined))?.key : undefined;
    return decided ?? await (existing ??= loadDataKey(keychain, { create: false, log }).catch((error) => {
      if (!(error instanceof KeychainUnavailable)) throw error;
      log.debug(`no data key: ${error.message}`);
      return undefined;
    }));
  };

  const store: SealingStore = {
    get dir() {
      return inner.dir;
    },
    async decide() {
      return (await decideOnce()).decision;
    },
    async read<T>(name: string, isValid?: (data: Record<string, unknown>) => boolean): Promise<T | undefined> {
      const data = await inner.read<Record<string, unknown>>(name, isValid);
      if (!data || !isTokenFile(name)) return data as T | undefined;
      if (isSealed(data)) {
        const key = data.sealed.keychain === keychain.name ? await existingKey() : undefined;
        if (key?.id === data.sealed.kid) {
          try {
            return await unsealEntry(name, data, key) as T;
          } catch { /* reported below */ }
        }
        if (!warned.has(name)) {
          warned.add(name);
          log.info(
            `The cached tokens of "${data.issuer}" were sealed with a data key that ${
              key ? "does not open them" : `is not in ${keychain.where}`
            }; a new login replaces them`,
          );
        }
        const { sealed: _sealed, ...clear } = data;
        return clear as T;
      }
      if (mode === "keychain" && hasSecrets(data)) {
        await store.write(name, data);
        log.info(`Moved the cached tokens of "${data.issuer}" into ${keychain.where}`);
      }
      return data as T;
    },
    async write(name: string, data: Record<string, unknown>): Promise<void> {
      if (!isTokenFile(name) || !hasSecrets(data)) return await inner.write(name, data);
      const { key } = await decideOnce();
      const { sealed: _stale, ...entry } = data;
      await inner.write(name, key ? await sealEntry(name, entry as unknown as TokenEntry, key) : entry);
    },
    remove: (name) => inner.remove(name),
    list: () => inner.list(),
    clear: {
      get dir() {
        return inner.dir;
      },
      async read<T>(name: string, isValid?: (data: Record<string, unknown>) => boolean): Promise<T | undefined> {
        const data = await inner.read<Record<string, unknown>>(name, isValid);
        if (data && mode === "keychain" && isTokenFile(name) && !isSealed(data) && hasSecrets(data)) {
          return await store.read<T>(name, isValid);
        }
        return data as T | undefined;
      },
      // Writes still seal: this view only reads differently.
      write: (name, data) => store.write(name, data),
      remove: (name) => inner.remove(name),
      list: () => inner.list(),
    },
  };
  return store;
}

/**
 * Removes the data key from `keychain` when no token file in `store` is
 * sealed with it any more (after a logout). True when it removed one.
 */
export async function removeUnusedDataKey(store: CacheStore, keychain: Keychain, log: Log): Promise<boolean> {
  for (const name of await store.list()) {
    if (!isTokenFile(name)) continue;
    const data = await store.read<Record<string, unknown>>(name);
    if (data && isSealed(data) && data.sealed.keychain === keychain.name) return false;
  }
  try {
    return await keychain.remove();
  } catch (error) {
    if (!(error instanceof KeychainUnavailable)) throw error;
    log.debug(`the data key was not removed: ${error.message}`);
    return false;
  }
}

async function noticeFallbackOnce(store: CacheStore, reason: string, log: Log): Promise<void> {
  const marker = await store.read<{ reason?: string }>(FALLBACK_MARKER);
  if (marker?.reason === reason) {
    log.debug(`tokens go to files: ${reason}`);
    return;
  }
  log.info(`Keeping tokens in 0600 files, not the keychain: ${reason.replace(/^the keychain cannot be used: /, "")}`);
  // Remembering that the notice was given is a nicety: a cache that cannot be written (full, read-only) must not
  // stop the command, which reports the unwritable cache itself when it stores what it obtained.
  await store.write(FALLBACK_MARKER, { reason }).catch((error) => {
    if (!(error instanceof AwsOidcError)) throw error;
    log.debug(`the keychain notice is not remembered: ${error.message}`);
  });
}

function isTokenFile(name: string): boolean {
  return cacheFileKind(name) === "tokens";
}

function hasSecrets(data: Record<string, unknown>): boolean {
  return SECRET_FIELDS.some((field) => typeof data[field] === "string" && data[field] !== "");
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
