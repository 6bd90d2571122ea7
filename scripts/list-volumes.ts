// Lists every volume a Waldur token can see, through the vscode-free core — the README's
// "Programmatic use" example, runnable: WALDUR_TOKEN=… npm run list-volumes -- https://waldur.example.com/api/
import { createBackend, formatGiB, holdsVolumes, type Backend, type Scope } from '../src/core/index';

/** Walks the backend's scope levels (organizations → projects) and yields each volume with where it is. */
export async function* everyVolume(backend: Backend, parent?: Scope, path: string[] = []): AsyncGenerator<{ path: string[]; name: string; size: string; status: string }> {
  for (const scope of await backend.listScopes(parent)) {
    if (!holdsVolumes(backend.capabilities, scope.kind)) {
      yield* everyVolume(backend, scope, [...path, scope.name]);
      continue;
    }
    for (const v of await backend.listVolumes(scope)) yield { path: [...path, scope.name], name: v.name, size: formatGiB(v.sizeMiB), status: v.status.label };
  }
}

async function main(): Promise<void> {
  const [url] = process.argv.slice(2);
  const token = process.env.WALDUR_TOKEN;
  if (!url || !token) {
    console.error('usage: WALDUR_TOKEN=… npm run list-volumes -- https://waldur.example.com/api/');
    process.exit(2);
  }
  const backend = await createBackend({ kind: 'waldur', url }, token);
  for await (const v of everyVolume(backend)) console.log([...v.path, v.name, v.size, v.status].join('\t'));
}

if (require.main === module) void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
