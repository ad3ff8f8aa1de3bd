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

/** Where the refresh token travels: in the JSON body (the default; the CLI) or in an httpOnly cookie (browsers). */
export const refreshTokenDeliveries = ['body', 'cookie'] as const;
export type RefreshTokenDelivery = (typeof refreshTokenDeliveries)[number];

/** The request header that asks for the cookie; documented on every route that reads it. */
export const DeliveryHeader = z.object({
  'quire-refresh-token-delivery': z
    .enum(refreshTokenDeliveries)
    .optional()
    .meta({
      description:
        '`cookie` (browsers): the refresh token is set in the httpOnly cookie `__Secure-quire-refresh` ' +
        '(Path=/v1/auth) and left out of the body, and refresh and logout read it from there. ' +
        '`body` (the default): the refresh token is in the JSON body, as the CLI uses it.',
    }),
});

export const RefreshRequest = z
  .strictObject({
    refreshToken: z.string().min(1).max(512).optional().meta({
      description:
        'Required unless the refresh cookie is sent with `Quire-Refresh-Token-Delivery: cookie`; taken over the cookie when both are there',
    }),
  })
  .meta({ id: 'RefreshRequest' });

export const TokenResponse = z
  .object({
    accountId: z.uuid(),
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
    refreshToken: z.string().optional().meta({
      description:
        'Single use: each refresh returns the next one. Absent when it was delivered in the cookie (`Quire-Refresh-Token-Delivery: cookie`)',
    }),
  })
  .meta({ id: 'TokenResponse' });

export const SessionResponse = z
  .object({ accountId: z.uuid(), sessionId: z.string(), roles: z.array(z.string()) })
  .meta({ id: 'Session' });

export const JwksResponse = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'JsonWebKeySet' });

/** The roles an account may hold; `admin` may manage other accounts' roles. */
export const accountRoles = ['user', 'admin'] as const;
export type AccountRole = (typeof accountRoles)[number];

export const SetRolesRequest = z
  .strictObject({
    roles: z
      .array(z.enum(accountRoles, { error: `must be one of: ${accountRoles.join(', ')}` }))
      .min(1, 'must name at least one role')
      .max(16)
      // One spelling per set of roles, whatever the order or repetition in the request.
      .transform((roles) => accountRoles.filter((r) => roles.includes(r)))
      .meta({
        description: `The account's complete new set of roles, each one of: ${accountRoles.join(', ')}`,
      }),
  })
  .meta({ id: 'SetRolesRequest', example: { roles: ['user', 'admin'] } });

export const AccountIdParams = z.object({ id: z.uuid().meta({ description: 'The account id' }) });

export const AccountLookupQuery = z.strictObject({ email });

export const AccountView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    roles: z.array(z.string()),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Account' });

export const AccountList = z
  .object({
    items: z.array(AccountView).meta({ description: 'The accounts found: none or one for an email' }),
  })
  .meta({ id: 'AccountList' });
