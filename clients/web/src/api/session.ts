/**
 * The signed-in session, kept in memory only: the access token and the single-use refresh token are
 * never written to localStorage or a readable cookie, so a script injected into the page cannot
 * steal a long-lived credential from storage. A reload therefore asks for a new login (the Auth
 * service takes the refresh token in the body; it sets no httpOnly cookie).
 */
import type { components } from './auth.gen.ts';

export type Tokens = components['schemas']['TokenResponse'];

export interface SessionState {
  accountId: string;
  /** As typed at login; the token does not carry it. */
  email: string;
  accessToken: string;
  /** Absent when Auth keeps it in its httpOnly cookie instead. */
  refreshToken?: string;
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

  /** Starts (or renews) the session from a token answer. */
  set(tokens: Tokens, email = this.state?.email ?? ''): void {
    this.state = {
      accountId: tokens.accountId,
      email,
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
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
