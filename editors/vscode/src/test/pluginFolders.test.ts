// Unit tests for the document selector: Python only inside plugin folders.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  documentFilters,
  escapeGlob,
  pluginFolders,
  pythonPattern,
  sameFolders,
} from '../pluginFolders';

describe('pluginFolders', () => {
  test('the folders of MANIFEST files, sorted, without repeats', () => {
    assert.deepEqual(
      pluginFolders(['/w/b/MANIFEST', '/w/a/MANIFEST', '/w/b/MANIFEST', '/w/c/setup.cfg']),
      ['/w/a', '/w/b'],
    );
  });

  test('a Python pattern per plugin folder, glob characters escaped', () => {
    assert.equal(pythonPattern('/w/my plugin'), '/w/my plugin/**/*.py');
    assert.equal(pythonPattern('/w/a[1]{x}'), '/w/a[[]1[]][{]x[}]/**/*.py');
    assert.equal(escapeGlob('*?'), '[*][?]');
  });

  test('MANIFEST and default.cfg by language, Python and *.cfg by plugin folder', () => {
    assert.deepEqual(documentFilters(['/w/a']), [
      { scheme: 'file', language: 'sps-manifest' },
      { scheme: 'untitled', language: 'sps-manifest' },
      { scheme: 'file', language: 'sps-plugin-cfg' },
      { scheme: 'untitled', language: 'sps-plugin-cfg' },
      { scheme: 'file', language: 'python', pattern: '/w/a/**/*.py' },
      { scheme: 'file', pattern: '/w/a/*.cfg' },
    ]);
    // No plugin folder: no Python at all.
    assert.ok(documentFilters([]).every((f) => f.language !== 'python'));
  });

  test('sameFolders', () => {
    assert.ok(sameFolders(['/a'], ['/a']));
    assert.ok(!sameFolders(['/a'], ['/a', '/b']));
  });
});
