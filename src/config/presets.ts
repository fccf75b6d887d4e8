/**
 * What aws-oidc knows about mainstream identity providers: how each one's
 * issuer is built from a few short inputs (`domain`, `tenant`, `realm`,
 * `authorization_server`), how to get a refresh token from it, and what it
 * insists on. Pure data plus {@link expandPreset}, applied by `resolve.ts`.
 *
 * A provider without `type` is detected from its `provider_url`, but only to
 * name it (for hints, `setup` and `doctor`): its scopes and parameters stay
 * exactly as configured, since asking for `offline_access` from an app not
 * allowed refresh tokens makes some IdPs refuse the login. Writing `type`
 * opts in to the preset.
 */

/** The provider types `type` accepts. */
export const PROVIDER_TYPES = [
  "google",
  "okta",
  "entra",
  "keycloak",
  "onelogin",
  "forgerock",
  "auth0",
  "gitlab",
  "generic",
] as const;
export type ProviderType = typeof PROVIDER_TYPES[number];

/** The short inputs a preset may build its issuer from. */
export type PresetInputKey = "domain" | "tenant" | "realm" | "authorization_server";
export type PresetInputs = Partial<Record<PresetInputKey, string>>;

/** One short input: what to ask for it, and whether the issuer needs it. */
export interface PresetInput {
  key: PresetInputKey;
  required: boolean;
  /** The question `setup` asks, with an example. */
  question: string;
}

/** One identity provider's quirks. */
export interface Preset {
  type: ProviderType;
  /** For menus. */
  label: string;
  inputs: PresetInput[];
  /** The issuer from the inputs; absent: `provider_url` must be given (generic). */
  issuer?: (inputs: PresetInputs) => string;
  /** True when an issuer URL belongs to this IdP. */
  detect?: (url: URL) => boolean;
  /** Scopes added to the default ones (when `scopes` is not set) to get a refresh token. */
  extraScopes?: string[];
  /** Authorization request parameters added under `auth_params`. */
  authParams?: Record<string, string>;
  /** The IdP refuses to redeem a code without the client secret, PKCE or not. */
  needsClientSecret?: string;
}

const hostIs = (...suffixes: string[]) => (url: URL) =>
  suffixes.some((suffix) => url.hostname === suffix.slice(1) || url.hostname.endsWith(suffix));

/** Every preset, in menu order. */
export const PRESETS: readonly Preset[] = [
  {
    type: "google",
    label: "Google",
    inputs: [],
    issuer: () => "https://accounts.google.com",
    detect: (url) => url.hostname === "accounts.google.com",
    // Google ignores offline_access; these two make it issue (and re-issue) a refresh token.
    authParams: { access_type: "offline", prompt: "consent" },
    needsClientSecret: "Google's desktop-app clients need their client secret even with PKCE",
  },
  {
    type: "okta",
    label: "Okta",
    inputs: [
      { key: "domain", required: true, question: "Okta domain (e.g. example.okta.com)" },
      {
        key: "authorization_server",
        required: false,
        question: 'Custom authorization server id (e.g. "default"; empty: the org authorization server)',
      },
    ],
    issuer: ({ domain, authorization_server: server }) =>
      server ? `${baseUrl(domain!)}/oauth2/${encodeURIComponent(server)}` : baseUrl(domain!),
    detect: hostIs(".okta.com", ".oktapreview.com", ".okta-emea.com"),
    extraScopes: ["offline_access"],
  },
  {
    type: "entra",
    label: "Microsoft Entra ID (Azure AD)",
    inputs: [{ key: "tenant", required: true, question: "Directory (tenant) ID, a GUID" }],
    issuer: ({ tenant }) => `https://login.microsoftonline.com/${tenant}/v2.0`,
    detect: (url) => url.hostname === "login.microsoftonline.com",
    extraScopes: ["offline_access"],
  },
  {
    type: "keycloak",
    label: "Keycloak",
    inputs: [
      { key: "domain", required: true, question: "Keycloak host (e.g. sso.example.com; add /auth for Keycloak < 17)" },
      { key: "realm", required: true, question: "Realm" },
    ],
    issuer: ({ domain, realm }) => `${baseUrl(domain!)}/realms/${encodeURIComponent(realm!)}`,
    detect: (url) => url.pathname.includes("/realms/") && !url.pathname.includes("/oauth2/realms/"),
    // An offline token outlives the SSO session, which otherwise ends the refresh token after 30 idle minutes.
    extraScopes: ["offline_access"],
  },
  {
    type: "onelogin",
    label: "OneLogin",
    inputs: [{ key: "domain", required: true, question: "OneLogin subdomain or host (e.g. example.onelogin.com)" }],
    issuer: ({ domain }) => `${baseUrl(domain!.includes(".") ? domain! : `${domain}.onelogin.com`)}/oidc/2`,
    detect: hostIs(".onelogin.com"),
  },
  {
    type: "forgerock",
    label: "ForgeRock / PingAM",
    inputs: [
      { key: "domain", required: true, question: "AM base URL without https:// (e.g. id.example.com/am)" },
      { key: "realm", required: true, question: 'Realm (e.g. "alpha"; "root" for the top-level realm)' },
    ],
    issuer: ({ domain, realm }) =>
      `${baseUrl(domain!)}/oauth2/realms/root` + (realm === "root" ? "" : `/realms/${encodeURIComponent(realm!)}`),
    detect: (url) => url.pathname.includes("/oauth2/realms/"),
  },
  {
    type: "auth0",
    label: "Auth0",
    inputs: [{ key: "domain", required: true, question: "Auth0 domain (e.g. example.us.auth0.com)" }],
    // Auth0's issuer ends with a slash, and the ID token's iss with it.
    issuer: ({ domain }) => `${baseUrl(domain!)}/`,
    detect: hostIs(".auth0.com"),
    extraScopes: ["offline_access"],
  },
  {
    type: "gitlab",
    label: "GitLab",
    inputs: [{ key: "domain", required: false, question: "GitLab host (empty: gitlab.com)" }],
    issuer: ({ domain }) => baseUrl(domain ?? "gitlab.com"),
    detect: (url) => url.hostname === "gitlab.com",
  },
  {
    type: "generic",
    label: "Another OpenID Connect provider (give its issuer URL)",
    inputs: [],
  },
];

/** The preset of a type. */
export function presetOf(type: ProviderType): Preset {
  return PRESETS.find((preset) => preset.type === type)!;
}

/** The type an issuer URL belongs to; "generic" when none matches. */
export function detectType(providerUrl: string): ProviderType {
  let url: URL;
  try {
    url = new URL(providerUrl);
  } catch {
    return "generic";
  }
  return PRESETS.find((preset) => preset.detect?.(url))?.type ?? "generic";
}

/** What a preset contributes to a provider. */
export interface Expansion {
  /** The issuer built from the inputs; undefined for generic. */
  providerUrl?: string;
  extraScopes: string[];
  authParams: Record<string, string>;
}

/** A short input that is missing or wrong, for resolve.ts to report with its source. */
export class PresetInputProblem extends Error {
  constructor(readonly key: PresetInputKey, readonly problem: string, readonly hint: string) {
    super(`${key} ${problem}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies `type`'s preset to the short inputs. Throws {@link PresetInputProblem}
 * for a missing required input, an input the type does not use, or one the IdP
 * would not accept. With `providerUrlGiven` and no short inputs (a custom
 * domain, a self-hosted instance), only the quirks apply and no issuer is built.
 */
export function expandPreset(type: ProviderType, inputs: PresetInputs, providerUrlGiven = false): Expansion {
  const preset = presetOf(type);
  const quirks = { extraScopes: preset.extraScopes ?? [], authParams: preset.authParams ?? {} };
  if (providerUrlGiven && Object.values(inputs).every((value) => value === undefined)) {
    return { providerUrl: undefined, ...quirks };
  }
  for (const key of Object.keys(inputs) as PresetInputKey[]) {
    if (inputs[key] !== undefined && !preset.inputs.some((input) => input.key === key)) {
      const users = PRESETS.filter((p) => p.inputs.some((input) => input.key === key)).map((p) => p.type);
      throw new PresetInputProblem(
        key,
        `is not used by type "${type}"`,
        `remove it, or set the type it belongs to (${users.join(", ")})`,
      );
    }
  }
  for (const input of preset.inputs) {
    if (input.required && inputs[input.key] === undefined) {
      throw new PresetInputProblem(input.key, `is needed by type "${type}"`, `add ${input.key}: ${input.question}`);
    }
  }
  if (inputs.domain !== undefined) checkDomain(inputs.domain);
  if (type === "entra" && !GUID.test(inputs.tenant!)) {
    throw new PresetInputProblem(
      "tenant",
      "must be the directory (tenant) ID, a GUID",
      "Entra ID's issuer names the tenant by its ID, even when you sign in with a domain; copy it from the Entra admin center's Overview page",
    );
  }
  if (inputs.realm !== undefined && inputs.realm.trim() === "") {
    throw new PresetInputProblem("realm", "is empty", "give the realm's name");
  }
  if (inputs.authorization_server !== undefined && !/^[\w-]+$/.test(inputs.authorization_server)) {
    throw new PresetInputProblem("authorization_server", "is not an authorization server id", 'e.g. "default"');
  }
  return { providerUrl: preset.issuer?.(inputs), ...quirks };
}

/**
 * `domain` as an https base URL without a trailing slash. An explicit scheme is
 * kept (so a test IdP on http://127.0.0.1 can stand in); resolve.ts still
 * refuses plain http anywhere but loopback.
 */
function baseUrl(domain: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(domain) ? domain : `https://${domain}`;
  return withScheme.replace(/\/+$/, "");
}

function checkDomain(domain: string): void {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl(domain));
  } catch { /* reported below */ }
  if (!url || !url.hostname || url.search || url.hash || url.username || url.password) {
    throw new PresetInputProblem("domain", "is not a host name", "e.g. example.okta.com (no query, no credentials)");
  }
}
