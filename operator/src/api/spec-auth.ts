import { z } from 'zod';
import { admit, formatted } from './admission-rules.js';
import { emailAddress } from './spec-common.js';

/** What the auth service is told about the platform's accounts, beyond its pods (spec.services.auth). */
export const authSpec = admit(
  z.object({
    bootstrapAdminEmail: formatted(
      emailAddress,
      'spec.auth.bootstrapAdminEmail',
      "Email of the platform's first admin. It is used only while no account is an admin: the account with this email becomes one when it signs up, or when auth starts if it exists already; after that admins grant roles themselves (PUT /v1/auth/accounts/{id}/roles) and this field does nothing. Sign-up does not verify emails, so whoever signs up first with it becomes admin: remove it once that account exists.",
    ).optional(),
  }),
  'Accounts of the auth service: the first admin. Its pods are set in spec.services.auth.',
).prefault({});
