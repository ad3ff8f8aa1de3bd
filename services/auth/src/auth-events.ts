/** The audit events Auth publishes, on topic `quire.auth.events`. */
import { eventTopic, newEvent } from '@quire/kit';

export const authTopic = eventTopic('auth');

export const authEventTypes = {
  signedUp: 'auth.signed_up',
  loggedIn: 'auth.logged_in',
  loginFailed: 'auth.login_failed',
  loggedOut: 'auth.logged_out',
  refreshTokenReused: 'auth.refresh_token_reused',
  rolesChanged: 'auth.roles_changed',
} as const;

type AuthEventType = (typeof authEventTypes)[keyof typeof authEventTypes];

/** An Auth event about an account (or, for a failed login to an unknown email, about no account). */
export const authEvent = (type: AuthEventType, subject: string, data: Record<string, unknown>) =>
  newEvent({ type, source: 'auth', subject, data });
