import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, objectRef } from './logger.js';
import { kinds } from './resource-kind.js';

describe('the operator logger', () => {
  it('writes one JSON object a line, with the object named under its kind, as controller-runtime logs', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: 'info' }, sink);
    log.info(
      { ...objectRef(kinds.configMap, { namespace: 'quire', name: 'settings' }), controller: 'platform' },
      'Applied ConfigMap',
    );
    log.debug('Not written at info');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string);
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'Applied ConfigMap',
      controller: 'platform',
      ConfigMap: { name: 'settings', namespace: 'quire' },
    });
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
  });

  it('names a cluster-scoped object without a namespace', () => {
    expect(objectRef('Namespace', { namespace: '', name: 'quire' })).toEqual({
      Namespace: { name: 'quire' },
    });
  });
});
