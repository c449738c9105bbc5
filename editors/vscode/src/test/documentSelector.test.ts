// Unit tests for the document selector: static, the server decides.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentFilters } from '../documentSelector';

describe('documentSelector', () => {
  test('MANIFEST and default.cfg by language, Python and *.cfg on disk', () => {
    assert.deepEqual(documentFilters(), [
      { scheme: 'file', language: 'sps-manifest' },
      { scheme: 'untitled', language: 'sps-manifest' },
      { scheme: 'file', language: 'sps-plugin-cfg' },
      { scheme: 'untitled', language: 'sps-plugin-cfg' },
      { scheme: 'file', language: 'python' },
      { scheme: 'file', pattern: '**/*.cfg' },
    ]);
  });
});
