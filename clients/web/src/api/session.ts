/**
 * The signed-in session, in memory only: the short-lived access token is never written to
 * localStorage or a readable cookie, and the long-lived refresh token never reaches the page at all
 * (Auth keeps it in an httpOnly cookie), so a script injected into the page finds no credential in
 * storage. A reload loses this memory; the app then asks Auth for new tokens with the cookie, which
 * keeps the person signed in (the email typed at login is not known again until the next login).
 */
import type { components } from './auth.gen.ts';

export type Tokens = components['schemas']['TokenResponse'];

export interface SessionState {
  accountId: string;
  /** As typed at login; the token does not carry it. */
  email: string;
  accessToken: string;
  roles: string[];
}

/** Reads the roles claim of an access token (a JWT); the server still checks them on every call. */
export function rolesOf(accessToken: string): string[] {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const roles = (JSON.parse(json) as { roles?: unknown }).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** Holds the current session and tells subscribers when it changes. */
export class SessionStore {
  private state: SessionState | undefined;
  private readonly listeners = new Set<() => void>();

  /** The current session, or undefined when signed out. */
  get current(): SessionState | undefined {
    return this.state;
  }

  /** Starts (or renews) the session from a token answer; a refresh token in it is not kept. */
  set(tokens: Tokens, email = this.state?.email ?? ''): void {
    this.state = {
      accountId: tokens.accountId,
      email,
      accessToken: tokens.accessToken,
      roles: rolesOf(tokens.accessToken),
    };
    this.emit();
  }

  clear(): void {
    this.state = undefined;
    this.emit();
  }

  /** For React's useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): SessionState | undefined => this.state;

  private emit() {
    for (const listener of this.listeners) listener();
  }
}
