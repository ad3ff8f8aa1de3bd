import { describe, expect, it } from 'vitest';
import { serviceLabels, versionLabelValue } from './labels.js';

describe('the labels', () => {
  it('follow the app.kubernetes.io recommendations and name the Platform', () => {
    expect(serviceLabels('quire', 'audit', '1.0.0')).toEqual({
      'app.kubernetes.io/name': 'audit',
      'app.kubernetes.io/instance': 'quire',
      'app.kubernetes.io/component': 'worker',
      'app.kubernetes.io/part-of': 'quire',
      'app.kubernetes.io/managed-by': 'quire-operator',
      'app.kubernetes.io/version': '1.0.0',
      'platform.quire.dev/platform': 'quire',
    });
  });

  it('cut a version too long for a label value and keep it ending with a letter or digit', () => {
    expect(versionLabelValue(`1.0.0-${'x'.repeat(56)}_yyy`)).toBe(`1.0.0-${'x'.repeat(56)}`);
    expect(versionLabelValue('1.0.0-rc.1')).toBe('1.0.0-rc.1');
  });
});
