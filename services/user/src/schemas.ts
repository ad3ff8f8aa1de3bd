/** The request and response shapes of the User API; they validate requests and document them. */
import { z } from 'zod';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());
const displayName = z.string().trim().min(1).max(100);
/** A BCP 47 language tag of the common shapes: `en`, `pt-BR`, `zh-Hant-TW`. */
const locale = z
  .string()
  .regex(
    /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/,
    'must be a BCP 47 language tag such as en or pt-BR',
  );
const avatarUrl = z.url({ protocol: /^https$/ }).max(2048);

export const ProfileId = z.strictObject({ id: z.uuid() });

export const CreateProfile = z
  .strictObject({
    id: z.uuid().optional().meta({ description: 'Only admins may create a profile for another account' }),
    displayName,
    email,
    locale: locale.default('en'),
    avatarUrl: avatarUrl.optional(),
  })
  .meta({ id: 'CreateProfile' });

export const UpdateProfile = z
  .strictObject({
    displayName: displayName.optional(),
    email: email.optional(),
    locale: locale.optional(),
    avatarUrl: avatarUrl.nullable().optional().meta({ description: 'null removes the avatar' }),
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'UpdateProfile' });

export const Profile = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    email: z.string(),
    locale: z.string(),
    avatarUrl: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Profile' });

export const ListProfilesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  email: email.optional(),
  locale: locale.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Display name prefix, any letter case' }),
});

export const ProfilePage = z
  .object({ items: z.array(Profile), nextCursor: z.string().optional() })
  .meta({ id: 'ProfilePage' });

export const LookupQuery = z.strictObject({
  email: email.meta({ description: 'The exact address; letter case and surrounding spaces do not matter' }),
});

/** Who has an address: only what sharing with them needs, never the rest of the profile. */
export const ProfileMatch = z.object({ id: z.uuid(), displayName: z.string() }).meta({ id: 'ProfileMatch' });

export const IfMatchHeader = z.object({
  'if-match': z.string().meta({ description: 'The ETag of the profile as last read (or *)' }),
});

export const ETagHeader = z.object({ ETag: z.string().meta({ description: 'The version of the profile' }) });

export type CreateProfileInput = z.output<typeof CreateProfile>;
export type UpdateProfileInput = z.output<typeof UpdateProfile>;
export type ProfileView = z.output<typeof Profile>;
export type ListFilter = z.output<typeof ListProfilesQuery>;
export type ProfileMatchView = z.output<typeof ProfileMatch>;
