/** The Notification API's shapes: zod schemas that validate requests and document them in OpenAPI. */
import { z } from 'zod';
import { notificationKinds } from './notification-rules.js';

export const Kind = z.enum(notificationKinds);
export const Id = z.strictObject({ id: z.uuid() });
export const KindParam = z.strictObject({ kind: Kind });

export const ListQuery = z
  .strictObject({
    unread: z.stringbool().optional().meta({ description: 'Only notifications not yet read' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .meta({ id: 'NotificationListQuery' });

export const Notification = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Notification' });

export const NotificationPage = z
  .object({ items: z.array(Notification), nextCursor: z.string().optional() })
  .meta({ id: 'NotificationPage' });

export const PreferenceInput = z
  .strictObject({ inApp: z.boolean(), webhook: z.boolean() })
  .meta({ id: 'PreferenceInput' });
export const Preference = z
  .object({ kind: Kind, inApp: z.boolean(), webhook: z.boolean() })
  .meta({ id: 'NotificationPreference' });
export const Preferences = z.object({ items: z.array(Preference) }).meta({ id: 'NotificationPreferences' });

export const CreateWebhook = z
  .strictObject({
    url: z.string().max(2000).meta({ description: 'https URL that receives signed POSTs' }),
    kinds: z
      .array(Kind)
      .max(notificationKinds.length)
      .default([])
      .meta({ description: 'Kinds sent; empty: all' }),
  })
  .meta({ id: 'CreateWebhook' });

export const Webhook = z
  .object({ id: z.uuid(), url: z.string(), kinds: z.array(z.string()), createdAt: z.iso.datetime() })
  .meta({ id: 'Webhook' });
export const CreatedWebhook = Webhook.extend({
  secret: z.string().meta({ description: 'Signs deliveries (Quire-Signature); shown only now' }),
}).meta({ id: 'CreatedWebhook' });
export const Webhooks = z.object({ items: z.array(Webhook) }).meta({ id: 'Webhooks' });

export const Deliveries = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid(),
        notificationId: z.uuid(),
        status: z.enum(['pending', 'delivered', 'failed']),
        attempts: z.array(
          z.object({
            attempt: z.number().int(),
            at: z.iso.datetime(),
            statusCode: z.number().int().optional(),
            error: z.string().optional(),
            durationMs: z.number().int(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'WebhookDeliveries' });
