/**
 * `npm run sandbox -- [--port N] [--host H] [--latency MS] [--volumes N] [--transition-ms MS] [--token T] [--seed N]`
 *
 * Prints one line, `Waldur sandbox: url=<base url> token=<token>`, and serves until SIGINT/SIGTERM.
 */
import { parseArgs, USAGE, UsageError } from './args';
import { startSandbox, type SandboxOptions } from './index';

async function main(): Promise<void> {
  let opts: SandboxOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) process.stderr.write(`sandbox: ${e.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(e.message ? 2 : 0);
  }
  const sandbox = await startSandbox(opts);
  process.stdout.write(`Waldur sandbox: url=${sandbox.url} token=${sandbox.token}\n`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
