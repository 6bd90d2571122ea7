import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, holdsVolumes } from '../../src/core/index';
import { startSandbox } from '../../src/sandbox';
import { everyVolume } from '../../scripts/list-volumes';

test('the core entry alone lists every volume of every project (the README example, against the local server)', async () => {
  const sandbox = await startSandbox({ transitionMs: 10 });
  try {
    const backend = await createBackend({ kind: 'waldur', url: `${sandbox.url}/api/` }, sandbox.token);
    assert.deepEqual(backend.capabilities.scopeLevels.map((l) => l.kind), ['organization', 'project']);
    assert.equal(holdsVolumes(backend.capabilities, 'project'), true);
    const seen: string[] = [];
    for await (const v of everyVolume(backend)) {
      assert.equal(v.path.length, 2, 'organization / project');
      seen.push(v.name);
    }
    const own = sandbox.store.volumes.filter((v) => sandbox.store.projects.some((p) => p.uuid === v.project_uuid));
    assert.equal(seen.length, own.length);
    assert.deepEqual([...seen].sort(), own.map((v) => v.name).sort());
  } finally {
    await sandbox.close();
  }
});

test('createBackend refuses what it cannot build, before any request', async () => {
  await assert.rejects(createBackend({ kind: 'waldur', url: 'https://w.example/api/' }), /needs an API token/);
  await assert.rejects(createBackend({ kind: 'nope', url: 'x' } as never, 't'), /Unknown kind of backend: nope/);
});
