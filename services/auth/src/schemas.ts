/** The request and response shapes of the Auth API; they validate requests and document them. */
import { z } from 'zod';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase())
  .meta({ example: 'ada@example.com' });

/** Passwords: long enough to resist guessing, bounded so hashing cost stays bounded (OWASP ASVS). */
const newPassword = z.string().min(12).max(128);

export const SignUpRequest = z.strictObject({ email, password: newPassword }).meta({ id: 'SignUpRequest' });

// Login does not apply the sign-up length rule: a wrong password must look like any other wrong password.
export const LoginRequest = z
  .strictObject({ email, password: z.string().min(1).max(128) })
  .meta({ id: 'LoginRequest' });

export const RefreshRequest = z
  .strictObject({ refreshToken: z.string().min(1).max(512) })
  .meta({ id: 'RefreshRequest' });

export const TokenResponse = z
  .object({
    accountId: z.uuid(),
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
    refreshToken: z.string().meta({ description: 'Single use: each refresh returns the next one' }),
  })
  .meta({ id: 'TokenResponse' });

export const SessionResponse = z
  .object({ accountId: z.uuid(), sessionId: z.string(), roles: z.array(z.string()) })
  .meta({ id: 'Session' });

export const JwksResponse = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'JsonWebKeySet' });
