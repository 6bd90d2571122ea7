import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONNECTIONS_KEY, ConnectionStore, secretKey, uniqueLabel } from '../../src/connections/store';

/** In-memory stand-ins for VS Code's globalState (a Memento) and SecretStorage. */
class Memory {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return structuredClone(this.data.get(key)) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
}
class Secrets {
  readonly data = new Map<string, string>();
  async get(key: string): Promise<string | undefined> { return this.data.get(key); }
  async store(key: string, value: string): Promise<void> { this.data.set(key, value); }
  async delete(key: string): Promise<void> { this.data.delete(key); }
}

function setup() {
  const state = new Memory();
  const secrets = new Secrets();
  let n = 0;
  const store = new ConnectionStore(state, secrets, () => `c-${++n}`);
  return { state, secrets, store, reopen: () => new ConnectionStore(state, secrets, () => `c-${++n}`) };
}

test('add keeps the record in global state and the token in secret storage under its own key', async () => {
  const { state, secrets, store } = setup();
  const a = await store.add({ label: 'prod', descriptor: { kind: 'waldur', url: 'https://a.example' }, readOnly: false }, 'tok-a');
  const b = await store.add({ label: 'lab', descriptor: { kind: 'waldur', url: 'https://b.example' }, readOnly: true }, 'tok-b');
  assert.notEqual(a.id, b.id);
  assert.equal(secrets.data.get(secretKey(a.id)), 'tok-a');
  assert.equal(secrets.data.get(secretKey(b.id)), 'tok-b');
  const saved = JSON.stringify(state.get(CONNECTIONS_KEY));
  assert.ok(!saved.includes('tok-'), `no token in global state: ${saved}`);
  assert.deepEqual(store.list().map((r) => r.label), ['prod', 'lab']);
});

test('connections, labels and read-only flags survive a reload (a new store over the same storage)', async () => {
  const { store, reopen } = setup();
  const a = await store.add({ label: 'prod', descriptor: { kind: 'waldur', url: 'https://a.example' }, readOnly: false }, 'tok-a');
  await store.add({ id: 'demo', label: 'Demo data', descriptor: { kind: 'demo' }, readOnly: false });
  await store.update(a.id, { label: 'Production', readOnly: true });
  const again = reopen();
  assert.deepEqual(again.list(), [
    { id: a.id, label: 'Production', descriptor: { kind: 'waldur', url: 'https://a.example' }, readOnly: true },
    { id: 'demo', label: 'Demo data', descriptor: { kind: 'demo' }, readOnly: false },
  ]);
  assert.equal(await again.secret(a.id), 'tok-a');
});

test('remove deletes the record and its secret, and nothing of the others', async () => {
  const { secrets, store } = setup();
  const a = await store.add({ label: 'a', descriptor: { kind: 'waldur', url: 'https://a.example' }, readOnly: false }, 'tok-a');
  const b = await store.add({ label: 'b', descriptor: { kind: 'waldur', url: 'https://b.example' }, readOnly: false }, 'tok-b');
  await store.remove(a.id);
  assert.equal(secrets.data.has(secretKey(a.id)), false);
  assert.equal(secrets.data.get(secretKey(b.id)), 'tok-b');
  assert.deepEqual(store.list().map((r) => r.id), [b.id]);
});

test('the single connection of 0.1.0 is migrated once, its old token key deleted', async () => {
  const { state, secrets, store } = setup();
  await state.update('volumeExplorer.url', 'https://old.example');
  secrets.data.set('volumeExplorer.token:https://old.example', 'tok-old');
  await store.migrateLegacy();
  const [r] = store.list();
  assert.deepEqual({ label: r?.label, descriptor: r?.descriptor }, { label: 'old.example', descriptor: { kind: 'waldur', url: 'https://old.example' } });
  assert.equal(await store.secret(r!.id), 'tok-old');
  assert.equal(secrets.data.has('volumeExplorer.token:https://old.example'), false);
  assert.equal(state.get('volumeExplorer.url'), undefined);
  await store.migrateLegacy();
  assert.equal(store.list().length, 1, 'not twice');
});

test('unreadable saved entries are dropped, not trusted', async () => {
  const { state, store } = setup();
  await state.update(CONNECTIONS_KEY, [{ id: 'ok', label: 'x', descriptor: { kind: 'waldur', url: 'https://x' }, readOnly: false }, { id: '../evil', label: 'y', descriptor: { kind: 'waldur', url: 'u' }, readOnly: false }, { id: 'n', label: 3 }, 'junk']);
  assert.deepEqual(store.list().map((r) => r.id), ['ok']);
});

test('labels are made unique: host, host (2), host (3)', () => {
  assert.equal(uniqueLabel('w.example', []), 'w.example');
  assert.equal(uniqueLabel('w.example', ['w.example']), 'w.example (2)');
  assert.equal(uniqueLabel('w.example', ['w.example', 'w.example (2)']), 'w.example (3)');
});
