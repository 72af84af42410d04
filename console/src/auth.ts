import type { AuthProviderProps } from "react-oidc-context";
import { WebStorageStateStore } from "oidc-client-ts";

export const REALM = "unionfed";
export const CLIENT_ID = "unionfed-console";

export const oidcConfig: AuthProviderProps = {
  authority: `${window.location.origin}/auth/realms/${REALM}`,
  client_id: CLIENT_ID,
  redirect_uri: `${window.location.origin}/`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  response_type: "code", // authorization code; oidc-client-ts adds PKCE (S256)
  scope: "openid profile",
  automaticSilentRenew: true,
  userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  onSigninCallback: (user) => {
    // Back where the user was before Keycloak's page, without the code in the address bar.
    const back = typeof user?.state === "string" && user.state.startsWith("/") ? user.state : "/";
    window.history.replaceState({}, document.title, back);
  },
};

export interface Claims {
  sub: string;
  org: string;
  fed: string;
  role: string;
  name?: string;
  preferred_username?: string;
}

/** The claims the services read (org, fed, role) travel in the access token. */
export function claimsOf(accessToken: string): Claims {
  const payload = accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const json = decodeURIComponent(
    atob(payload)
      .split("")
      .map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0"))
      .join(""),
  );
  return JSON.parse(json);
}

/** Roles finance lets verify chains, sign off and check heads, and reconcile (the review group's checks). */
export const CHAIN_AUDITORS = ["auditor", "federation_admin"];
export const ACCOUNT_MANAGERS = ["federation_admin", "union_officer", "platform_admin"];
export const ADMINS = ["federation_admin", "platform_admin"];
