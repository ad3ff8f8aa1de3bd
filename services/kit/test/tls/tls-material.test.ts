import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TlsMaterial, TlsMaterialWatcher } from '../../src/tls/tls-material.js';
import { testCa, testLeaf, writeMounted } from './fixtures/test-pki.js';

const id = 'spiffe://quire.local/ns/test/sa/quire-auth';
const watchers: TlsMaterialWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
});

function nextChange(watcher: TlsMaterialWatcher, timeoutMs = 3000): Promise<TlsMaterial> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reload')), timeoutMs);
    const stop = watcher.onChange((m) => {
      clearTimeout(timer);
      stop();
      resolve(m);
    });
  });
}

describe('the mounted certificate', () => {
  it('is loaded with its SPIFFE ID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-tls-'));
    const ca = await testCa('ca');
    writeMounted(dir, await testLeaf(ca, id), [ca.pem]);
    const watcher = new TlsMaterialWatcher(dir, { debounceMs: 50 });
    watchers.push(watcher);
    expect(watcher.current().spiffeId).toBe(id);
  });

  it('is reloaded when kubelet swaps the ..data symlink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-tls-'));
    const ca = await testCa('ca');
    writeMounted(dir, await testLeaf(ca, id), [ca.pem]);
    const watcher = new TlsMaterialWatcher(dir, { debounceMs: 50 });
    watchers.push(watcher);
    const before = watcher.current().version;
    const changed = nextChange(watcher);
    writeMounted(dir, await testLeaf(ca, id), [ca.pem]);
    expect((await changed).version).not.toBe(before);
  });

  it('keeps the current set when the new files do not belong together, and takes them once they do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-tls-'));
    const ca = await testCa('ca');
    const first = await testLeaf(ca, id);
    writeMounted(dir, first, [ca.pem]);
    const watcher = new TlsMaterialWatcher(dir, { debounceMs: 50 });
    watchers.push(watcher);
    const before = watcher.current().version;
    const other = await testLeaf(ca, id);
    writeMounted(dir, { certPem: other.certPem, keyPem: first.keyPem }, [ca.pem]);
    expect(watcher.check()).toBe(false);
    expect(watcher.current().version).toBe(before);
    writeMounted(dir, other, [ca.pem]);
    expect(watcher.check()).toBe(true);
  });

  it('is picked up by the periodic check even without file events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-tls-'));
    const ca = await testCa('ca');
    writeMounted(dir, await testLeaf(ca, id), [ca.pem]);
    const watcher = new TlsMaterialWatcher(dir, { debounceMs: 60_000, pollMs: 100 });
    watchers.push(watcher);
    const changed = nextChange(watcher);
    writeMounted(dir, await testLeaf(ca, id), [ca.pem]);
    await expect(changed).resolves.toBeDefined();
  });
});
