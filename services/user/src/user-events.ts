/** The audit events User publishes, on topic `quire.user.events`. */
import { eventTopic, newEvent } from '@quire/kit';

export const userTopic = eventTopic('user');

export const userEventTypes = {
  created: 'user.created',
  updated: 'user.updated',
  deleted: 'user.deleted',
} as const;

type UserEventType = (typeof userEventTypes)[keyof typeof userEventTypes];

/** An event about a profile, naming who made the change. */
export const userEvent = (
  type: UserEventType,
  profileId: string,
  actor: string,
  data: Record<string, unknown>,
) => newEvent({ type, source: 'user', subject: profileId, data: { actor, ...data } });
