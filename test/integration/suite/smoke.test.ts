// Smoke test: the extension is found and activates inside a real VS Code extension host, and
// the environment given to runTests reaches it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'volume-explorer.volume-explorer';

suite('smoke', () => {
  test('the environment given to runTests reaches the extension host', () => {
    assert.equal(process.env.VOLUME_EXPLORER_INTEGRATION, '1');
  });

  test('the extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
