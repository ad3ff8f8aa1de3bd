/** The Notification API: a user's notifications, preferences and webhooks (always the caller's own). */
import type { ApiRouter } from '@quire/kit';
import type pg from 'pg';
import { listNotifications, markRead, preferencesOf, setPreference } from './notification-store.js';
import {
  CreatedWebhook,
  CreateWebhook,
  Deliveries,
  Id,
  KindParam,
  ListQuery,
  Notification,
  NotificationPage,
  Preference,
  PreferenceInput,
  Preferences,
  Webhooks,
} from './schemas.js';
import { createWebhook, deleteWebhook, deliveriesOf, listWebhooks } from './webhook-store.js';
import type { TargetPolicy } from './webhook-target.js';

const tags = ['notifications'];

/** Declares the notification, preference and webhook routes. */
export function notificationRoutes(pool: pg.Pool, policy: TargetPolicy) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/notifications',
        operationId: 'listNotifications',
        summary: "The caller's notifications, newest first, a page at a time",
        tags,
        authenticated: true,
        query: ListQuery,
        responses: {
          200: { description: 'One page; follow nextCursor for the next', body: NotificationPage },
        },
      },
      async ({ query, principal }) => ({
        status: 200,
        body: await listNotifications(pool, principal.subject, query),
      }),
    );
    r.route(
      {
        method: 'post',
        path: '/v1/notifications/:id/read',
        operationId: 'markNotificationRead',
        summary: 'Mark one of the caller’s notifications read',
        tags,
        authenticated: true,
        params: Id,
        responses: { 200: { description: 'The notification, read', body: Notification } },
        problems: [404],
      },
      async ({ params, principal }) => ({
        status: 200,
        body: await markRead(pool, principal.subject, params.id),
      }),
    );
    r.route(
      {
        method: 'get',
        path: '/v1/notification-preferences',
        operationId: 'getNotificationPreferences',
        summary: 'Which kinds the caller wants in the app and on webhooks',
        tags,
        authenticated: true,
        responses: { 200: { description: 'One entry per kind', body: Preferences } },
      },
      async ({ principal }) => ({
        status: 200,
        body: { items: await preferencesOf(pool, principal.subject) },
      }),
    );
    r.route(
      {
        method: 'put',
        path: '/v1/notification-preferences/:kind',
        operationId: 'setNotificationPreference',
        summary: 'Choose where the caller gets one kind of notification (both off: not at all)',
        tags,
        authenticated: true,
        params: KindParam,
        body: PreferenceInput,
        responses: { 200: { description: 'The preference', body: Preference } },
      },
      async ({ params, body, principal }) => ({
        status: 200,
        body: await setPreference(pool, principal.subject, { kind: params.kind, ...body }),
      }),
    );
    r.route(
      {
        method: 'post',
        path: '/v1/webhooks',
        operationId: 'createWebhook',
        summary: 'Register a webhook; the answer holds its signing secret, shown only this once',
        tags,
        authenticated: true,
        body: CreateWebhook,
        responses: { 201: { description: 'The webhook and its secret', body: CreatedWebhook } },
      },
      async ({ body, principal }) => {
        const hook = await createWebhook(pool, principal.subject, body, policy);
        return { status: 201, headers: { Location: `/v1/webhooks/${hook.id}` }, body: hook };
      },
    );
    r.route(
      {
        method: 'get',
        path: '/v1/webhooks',
        operationId: 'listWebhooks',
        summary: "The caller's webhooks (without their secrets)",
        tags,
        authenticated: true,
        responses: { 200: { description: 'The webhooks', body: Webhooks } },
      },
      async ({ principal }) => ({
        status: 200,
        body: { items: await listWebhooks(pool, principal.subject) },
      }),
    );
    r.route(
      {
        method: 'delete',
        path: '/v1/webhooks/:id',
        operationId: 'deleteWebhook',
        summary: 'Remove a webhook and its pending deliveries',
        tags,
        authenticated: true,
        params: Id,
        responses: { 204: { description: 'Removed' } },
        problems: [404],
      },
      async ({ params, principal }) => {
        await deleteWebhook(pool, principal.subject, params.id);
        return { status: 204 };
      },
    );
    r.route(
      {
        method: 'get',
        path: '/v1/webhooks/:id/deliveries',
        operationId: 'listWebhookDeliveries',
        summary: 'The latest deliveries of a webhook, each with every attempt and its outcome',
        tags,
        authenticated: true,
        params: Id,
        responses: { 200: { description: 'Up to 50 deliveries, newest first', body: Deliveries } },
        problems: [404],
      },
      async ({ params, principal }) => ({
        status: 200,
        body: { items: await deliveriesOf(pool, principal.subject, params.id) },
      }),
    );
  };
}
