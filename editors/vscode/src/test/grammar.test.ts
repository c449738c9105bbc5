// Tokenizes sample files with the real TextMate engine VS Code uses
// (vscode-textmate + Oniguruma) and checks the scopes the grammars assign.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

// out/test/grammar.test.js -> extension root
const root = path.resolve(__dirname, '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

interface GrammarContribution {
  language: string;
  scopeName: string;
  path: string;
}
const grammars: GrammarContribution[] = packageJson.contributes.grammars;

let registry: vsctm.Registry;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const contribution = grammars.find((g) => g.scopeName === scopeName);
      if (contribution === undefined) {
        return null;
      }
      const file = path.join(root, contribution.path);
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
});

interface Token {
  text: string;
  scopes: string[];
}

async function tokenize(scopeName: string, text: string): Promise<Token[][]> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} loads`);
  let ruleStack = vsctm.INITIAL;
  const lines: Token[][] = [];
  for (const line of text.split('\n')) {
    const result = grammar.tokenizeLine(line, ruleStack);
    lines.push(
      result.tokens.map((t) => ({ text: line.substring(t.startIndex, t.endIndex), scopes: t.scopes })),
    );
    ruleStack = result.ruleStack;
  }
  return lines;
}

/** Scopes of the token that holds the first character of `needle` on line `lineNo`. */
function scopesAt(lines: Token[][], lineNo: number, needle: string): string[] {
  const tokens = lines[lineNo];
  const lineText = tokens.map((t) => t.text).join('');
  const index = lineText.indexOf(needle);
  assert.ok(index >= 0, `line ${lineNo} (${JSON.stringify(lineText)}) contains ${JSON.stringify(needle)}`);
  let offset = 0;
  for (const token of tokens) {
    if (index >= offset && index < offset + token.text.length) {
      return token.scopes;
    }
    offset += token.text.length;
  }
  assert.fail(`no token at ${index} on line ${lineNo}`);
}

function assertScope(lines: Token[][], lineNo: number, needle: string, expected: string): void {
  const scopes = scopesAt(lines, lineNo, needle);
  assert.ok(
    scopes.some((s) => s.startsWith(expected)),
    `${JSON.stringify(needle)} on line ${lineNo}: expected a scope starting with ${expected}, got ${scopes.join(' ')}`,
  );
}

function assertNoScope(lines: Token[][], lineNo: number, needle: string, unexpected: string): void {
  const scopes = scopesAt(lines, lineNo, needle);
  assert.ok(
    !scopes.some((s) => s.startsWith(unexpected)),
    `${JSON.stringify(needle)} on line ${lineNo}: did not expect ${unexpected}, got ${scopes.join(' ')}`,
  );
}

describe('package.json contributions', () => {
  test('every grammar file exists and declares the contributed scope name', () => {
    assert.deepEqual(grammars.map((g) => g.language).sort(), ['sps-manifest', 'sps-plugin-cfg']);
    for (const g of grammars) {
      const raw = JSON.parse(fs.readFileSync(path.join(root, g.path), 'utf8'));
      assert.equal(raw.scopeName, g.scopeName);
    }
  });

  test('every language configuration exists and declares a # line comment', () => {
    for (const language of packageJson.contributes.languages) {
      const config = JSON.parse(fs.readFileSync(path.join(root, language.configuration), 'utf8'));
      assert.equal(config.comments.lineComment, '#');
    }
  });
});

describe('sps-manifest grammar', () => {
  const sample = [
    '# An SPS plugin manifest', // 0
    'name: Example_Plugin', // 1
    'version: 1.0', // 2
    'api: 1.0', // 3
    'type: credentialstore', // 4
    'entry_point: main.py   # the entry point', // 5
    'description: "quoted \\n text"', // 6
    "scripts:", // 7
    '  - init: setup.sh', // 8
    'enabled: true', // 9
    'notes: |', // 10
    '  block text: not a key', // 11
    '', // 12
    '  more # not a comment', // 13
    'after: x', // 14
    "single: 'it''s'", // 15
    'url: http://example.com/#frag', // 16
    'list: [a, b]', // 17
  ].join('\n');

  test('scopes', async () => {
    const lines = await tokenize('source.sps-manifest', sample);
    assertScope(lines, 0, '#', 'comment.line.number-sign');
    assertScope(lines, 0, 'An SPS', 'comment.line.number-sign');
    assertScope(lines, 1, 'name', 'entity.name.tag.key');
    assertScope(lines, 1, ':', 'punctuation.separator.key-value');
    assertScope(lines, 1, 'Example_Plugin', 'string.unquoted.plain');
    assertScope(lines, 2, '1.0', 'constant.numeric');
    assertScope(lines, 3, 'api', 'entity.name.tag.key');
    assertScope(lines, 4, 'type', 'entity.name.tag.key');
    assertScope(lines, 4, 'credentialstore', 'support.constant.plugin-type');
    assertScope(lines, 5, 'main.py', 'string.unquoted.plain');
    assertScope(lines, 5, '# the', 'comment.line.number-sign');
    assertScope(lines, 6, '"quoted', 'string.quoted.double');
    assertScope(lines, 6, '\\n', 'constant.character.escape');
    assertScope(lines, 8, '-', 'punctuation.definition.block.sequence.item');
    assertScope(lines, 8, 'init', 'entity.name.tag.key');
    assertScope(lines, 8, 'setup.sh', 'string.unquoted.plain');
    assertScope(lines, 9, 'true', 'constant.language');
    assertScope(lines, 10, '|', 'keyword.control.flow.block-scalar');
    assertScope(lines, 11, 'block', 'string.unquoted.block');
    assertNoScope(lines, 11, 'block', 'entity.name.tag');
    assertScope(lines, 13, 'more', 'string.unquoted.block');
    assertNoScope(lines, 13, '#', 'comment');
    assertScope(lines, 14, 'after', 'entity.name.tag.key');
    assertScope(lines, 15, "'it", 'string.quoted.single');
    assertScope(lines, 15, "''", 'constant.character.escape');
    assertScope(lines, 16, '#frag', 'string.unquoted.plain');
    assertScope(lines, 17, '[', 'punctuation.definition.sequence.flow');
    assertScope(lines, 17, 'a,', 'string.unquoted.plain');
  });

  test('an unknown plugin type is a plain string', async () => {
    const lines = await tokenize('source.sps-manifest', 'type: aaa');
    assertScope(lines, 0, 'aaa', 'string.unquoted.plain');
  });
});

describe('sps-plugin-cfg grammar', () => {
  const sample = [
    '; a semicolon comment', // 0
    '# a hash comment', // 1
    '[logging]', // 2
    'log_level = info', // 3
    '[credential_store]', // 4
    'password = $', // 5
    'enabled: yes', // 6
    'port = 8080', // 7
    'hosts = a.example.com', // 8
    '  b.example.com', // 9
    'x', // 10
    'url = http://h/#x ; not a comment', // 11
  ].join('\n');

  test('scopes', async () => {
    const lines = await tokenize('source.sps-plugin-cfg', sample);
    assertScope(lines, 0, ';', 'comment.line.semicolon');
    assertScope(lines, 0, 'a semicolon', 'comment.line.semicolon');
    assertScope(lines, 1, 'a hash', 'comment.line.number-sign');
    assertScope(lines, 2, '[', 'punctuation.definition.entity.begin');
    assertScope(lines, 2, 'logging', 'entity.name.section');
    assertScope(lines, 3, 'log_level', 'variable.other.property.key');
    assertScope(lines, 3, '=', 'punctuation.separator.key-value');
    assertScope(lines, 3, 'info', 'string.unquoted.value');
    assertScope(lines, 5, '$', 'variable.language.credential-store');
    assertScope(lines, 6, 'enabled', 'variable.other.property.key');
    assertScope(lines, 6, ':', 'punctuation.separator.key-value');
    assertScope(lines, 6, 'yes', 'constant.language.boolean');
    assertScope(lines, 7, '8080', 'constant.numeric');
    assertScope(lines, 9, 'b.example', 'string.unquoted.value.continuation');
    assertScope(lines, 10, 'x', 'variable.other.property.key');
    assertScope(lines, 11, 'http', 'string.unquoted.value');
    assertNoScope(lines, 11, '; not', 'comment');
  });

  test('a $ inside a longer value is not the credential-store marker', async () => {
    const lines = await tokenize('source.sps-plugin-cfg', 'password = pa$$word');
    assertScope(lines, 0, 'pa$$', 'string.unquoted.value');
  });
});
