/**
 * The client's own private key for `private_key_jwt` client authentication:
 * read from `private_key_file` or, failing that, the PEM text in
 * `AWS_OIDC_PRIVATE_KEY`; its JWS algorithm follows from the key itself
 * (RSA → RS256, P-256/384/521 → ES256/384/512, Ed25519 → Ed25519).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2 (JWT client authentication)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { importPKCS8 } from "jose";
import type * as oauth from "oauth4webapi";
import type { Provider } from "../config/provider.ts";
import { PRIVATE_KEY_ENV } from "../config/fields.ts";
import { AwsOidcError, ConfigError } from "../errors.ts";

export { PRIVATE_KEY_ENV };

/** A signing key ready for oauth4webapi, with the algorithm it signs with. */
export interface ClientKey extends oauth.PrivateKey {
  alg: string;
}

/** Where the key comes from; injectable for tests. */
export interface ClientKeySources {
  env?: (name: string) => string | undefined;
  readFile?: (path: string) => Promise<string>;
}

const EC_CURVES: Record<string, string> = { prime256v1: "ES256", secp384r1: "ES384", secp521r1: "ES512" };

/** True when the provider (or the environment) configures a private key. */
export function hasClientKey(provider: Pick<Provider, "privateKeyFile">, sources: ClientKeySources = {}): boolean {
  return provider.privateKeyFile !== undefined || Boolean(readEnv(sources)(PRIVATE_KEY_ENV)?.trim());
}

/**
 * Loads the configured key: `private_key_file` when set, else `AWS_OIDC_PRIVATE_KEY`.
 * Undefined when neither is set.
 *
 * @throws {ConfigError} when the file cannot be read or the key is unusable.
 */
export async function loadClientKey(
  provider: Pick<Provider, "privateKeyFile" | "keyId">,
  sources: ClientKeySources = {},
): Promise<ClientKey | undefined> {
  let pem: string | undefined;
  let origin: string;
  if (provider.privateKeyFile !== undefined) {
    origin = `private_key_file "${provider.privateKeyFile}"`;
    try {
      pem = await (sources.readFile ?? Deno.readTextFile)(provider.privateKeyFile);
    } catch (error) {
      throw new ConfigError(`Cannot read ${origin}: ${(error as Error).message}`, {
        hint: "check the path; it must be a PEM private key file",
        cause: error,
      });
    }
  } else {
    origin = PRIVATE_KEY_ENV;
    pem = readEnv(sources)(PRIVATE_KEY_ENV);
    if (!pem?.trim()) return undefined;
  }
  return { ...await importClientKey(pem, origin), kid: provider.keyId };
}

/**
 * Imports a PEM private key (PKCS#8, or PKCS#1 / SEC1 as `openssl` writes
 * them) for signing, with the algorithm its type implies.
 *
 * @throws {ConfigError} when the text is not an unencrypted private key of a supported type.
 */
export async function importClientKey(
  pem: string,
  origin = "the private key",
): Promise<{ key: CryptoKey; alg: string }> {
  const text = pem.includes("\\n") && !pem.includes("\n") ? pem.replaceAll("\\n", "\n") : pem;
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw new ConfigError(`${origin} is encrypted`, {
      hint: "aws-oidc cannot ask for a passphrase; store it unencrypted (openssl pkcs8 -topk8 -nocrypt) with mode 0600",
    });
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: text, format: "pem" });
  } catch (error) {
    throw new ConfigError(`${origin} is not a PEM private key`, {
      hint: 'give an unencrypted PEM block such as "-----BEGIN PRIVATE KEY-----" (PKCS#8, PKCS#1 or SEC1)',
      cause: error,
    });
  }
  const alg = algorithmOf(keyObject);
  if (!alg) {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    throw new ConfigError(`${origin} is a ${keyObject.asymmetricKeyType}${curve ? ` ${curve}` : ""} key`, {
      hint: "use an RSA (RS256), EC P-256/384/521 (ES256/384/512) or Ed25519 key",
    });
  }
  const pkcs8 = keyObject.export({ format: "pem", type: "pkcs8" }) as string;
  try {
    return { key: await importPKCS8(pkcs8, alg), alg };
  } catch (error) {
    throw new AwsOidcError(`Cannot use ${origin} for ${alg}: ${(error as Error).message}`, {
      hint: "export it again as unencrypted PKCS#8 (openssl pkcs8 -topk8 -nocrypt)",
      cause: error,
    });
  }
}

function algorithmOf(keyObject: KeyObject): string | undefined {
  switch (keyObject.asymmetricKeyType) {
    case "rsa":
      return "RS256";
    case "ec":
      return EC_CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ""];
    case "ed25519":
      return "Ed25519";
    default:
      return undefined;
  }
}

function readEnv(sources: ClientKeySources): (name: string) => string | undefined {
  return sources.env ?? ((name) => Deno.env.get(name));
}
