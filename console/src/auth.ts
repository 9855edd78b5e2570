// Sign-in through the operator's OpenID Connect provider (S9.1, S9.3) with oidc-client-ts: the
// authorization code flow with PKCE (a public client, no secret), the access token renewed with the
// refresh token before it expires, and sign-out at the provider. The API reads the access token
// from api.ts's session store (setToken), so every renewal is handed on there.
//
// Where tokens live: oidc-client-ts keeps the signed-in user (access, refresh and ID token) in
// sessionStorage, as api.ts keeps the access token: the sign-in leaves the page for the provider and
// comes back, and a reload must not sign the person out; sessionStorage is gone with the tab and
// is not shared with other tabs or sites. The console's CSP (script-src 'self', no third-party
// script) is what keeps other scripts from reading it (docs/decisions.md).
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { setToken } from './api';
import { BASE } from './router';

/** GET /console/auth-config.json: the provider, the console's client id and scopes. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string;
}

/** Why a person is on the sign-in page instead of at work. */
export type SignInReason = 'start' | 'ended' | 'signedOut';

export interface Auth {
  settings: OidcSettings;
  /** To the provider's login page; back to `returnTo` (a console path) afterwards. */
  signIn(returnTo?: string): Promise<void>;
  /** On /console/signin-callback: finishes the sign-in; returns the console path to go to. */
  completeSignIn(): Promise<string>;
  /** The access token of a kept session (renewed first when it has expired), or null. */
  restore(): Promise<string | null>;
  /** Ends the session here and at the provider (it sends the browser to /console/signed-out). */
  signOut(): Promise<void>;
  /** Forgets the session here only (it has ended at the provider or been refused). */
  forget(): Promise<void>;
  /** `fn` runs when the session ends without the person signing out (renewal failed, expired). */
  onEnded(fn: () => void): () => void;
}

const CALLBACK = 'signin-callback';
const SIGNED_OUT = 'signed-out';

export const isSignInCallback = () => window.location.pathname === `${BASE}/${CALLBACK}`;
export const isSignedOutPage = () => window.location.pathname === `${BASE}/${SIGNED_OUT}`;

/** The provider settings the API publishes, or null when it has none (pasted tokens only). */
export async function loadOidcSettings(): Promise<OidcSettings | null> {
  const res = await fetch(`${BASE}/auth-config.json`, { cache: 'no-cache' });
  if (!res.ok) return null;
  const body = (await res.json()) as { oidc?: OidcSettings | null };
  return body.oidc ?? null;
}

export function createAuth(settings: OidcSettings): Auth {
  const base = `${window.location.origin}${BASE}/`;
  const manager = new UserManager({
    authority: settings.issuer,
    client_id: settings.clientId,
    scope: settings.scopes,
    response_type: 'code',
    redirect_uri: base + CALLBACK,
    post_logout_redirect_uri: base + SIGNED_OUT,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Renew with the refresh token this long before the access token expires (S9.3).
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 30,
    loadUserInfo: false,
  });
  const handOn = (user: User | null) => setToken(user && !user.expired ? user.access_token : null);
  manager.events.addUserLoaded(handOn);

  const ended = new Set<() => void>();
  const end = () => {
    setToken(null);
    void manager.removeUser();
    ended.forEach((fn) => fn());
  };
  manager.events.addSilentRenewError(end);
  manager.events.addAccessTokenExpired(end);

  return {
    settings,
    async signIn(returnTo = '/') {
      await manager.signinRedirect({ state: { returnTo } });
    },
    async completeSignIn() {
      const user = await manager.signinRedirectCallback();
      handOn(user);
      const { returnTo } = (user.state ?? {}) as { returnTo?: string };
      return typeof returnTo === 'string' && returnTo.startsWith('/') ? returnTo : '/';
    },
    async restore() {
      const user = await manager.getUser();
      if (!user) return null;
      if (user.expired) {
        // A reload after the token expired: renew with the refresh token, else sign in again.
        const renewed = await manager.signinSilent().catch(() => null);
        handOn(renewed);
        return renewed?.access_token ?? null;
      }
      handOn(user);
      return user.access_token;
    },
    async signOut() {
      const user = await manager.getUser();
      setToken(null);
      await manager.signoutRedirect({ id_token_hint: user?.id_token });
    },
    async forget() {
      setToken(null);
      await manager.removeUser();
    },
    onEnded(fn) {
      ended.add(fn);
      return () => ended.delete(fn);
    },
  };
}
