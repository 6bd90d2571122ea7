/** Command-line parsing for the sandbox CLI (kept apart from cli.ts, which starts a server when loaded). */
import type { SandboxOptions } from './index';

export const USAGE = 'Usage: npm run sandbox -- [--port N] [--host HOST] [--latency MS] [--volumes N] [--transition-ms MS] [--token TOKEN] [--seed N]';

type NumericKey = 'port' | 'latencyMs' | 'volumes' | 'transitionMs' | 'seed';
const NUMERIC: Record<string, NumericKey> = {
  '--port': 'port',
  '--latency': 'latencyMs',
  '--volumes': 'volumes',
  '--transition-ms': 'transitionMs',
  '--seed': 'seed',
};

export function parseArgs(argv: string[]): SandboxOptions {
  const opts: SandboxOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--help' || flag === '-h') throw new UsageError('');
    const value = inline ?? argv[++i];
    const key = NUMERIC[flag];
    if (key) {
      if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a non-negative integer, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
      const n = Number(value);
      if (key === 'port' && n > 65535) throw new UsageError(`--port must be 0..65535, got ${n}`);
      opts[key] = n;
    } else if (flag === '--host' || flag === '--token') {
      if (!value) throw new UsageError(`${flag} needs a value`);
      opts[flag === '--host' ? 'host' : 'token'] = value;
    } else {
      throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return opts;
}

export class UsageError extends Error {}

