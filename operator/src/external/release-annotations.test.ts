import { describe, expect, it } from 'vitest';
import {
  releasedSchemas,
  releasedTopics,
  releaseSchemasAnnotation,
  releaseTopicsAnnotation,
} from './release-annotations.js';

const platform = (annotations: Record<string, string>) => ({ metadata: { name: 'p', annotations } });

describe('releasing topics and schemas by annotation', () => {
  it('lists comma-separated names, ignoring spaces and empty entries', () => {
    const p = platform({ [releaseTopicsAnnotation]: ' quire.audit.dead-letter, ,quire.user.events ' });
    expect([...releasedTopics(p)]).toEqual(['quire.audit.dead-letter', 'quire.user.events']);
  });

  it('releases nothing when the annotation is absent', () => {
    expect(releasedTopics(platform({})).size).toBe(0);
    expect(releasedSchemas({ metadata: {} }).size).toBe(0);
  });

  it('reads schemas from their own annotation', () => {
    expect([...releasedSchemas(platform({ [releaseSchemasAnnotation]: 'auth,users' }))]).toEqual([
      'auth',
      'users',
    ]);
  });
});
