// Unit tests for the settings handed to the server.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SERVER_KEYS, serverSettings } from '../settings';
import * as fs from 'node:fs';
import * as path from 'node:path';

describe('serverSettings', () => {
  test('the server keys only, unset ones left out, the scope nested', () => {
    const values: Record<string, unknown> = {
      select: null,
      ignore: ['manifest/unknown-key'],
      severity: { config: 'info' },
      'diagnostics.scope': 'open',
      'server.path': '/x',
    };
    assert.deepEqual(
      serverSettings((k) => values[k]),
      { ignore: ['manifest/unknown-key'], severity: { config: 'info' }, diagnostics: { scope: 'open' } },
    );
  });

  test('package.json contributes every server key, with a description', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    for (const key of [...SERVER_KEYS, 'diagnostics.scope']) {
      const prop = props[`spsPluginLs.${key}`];
      assert.ok(prop, key);
      assert.ok((prop.markdownDescription ?? prop.description ?? '').length > 40, key);
    }
  });
});
