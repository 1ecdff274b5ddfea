// Shared entry wrapper for the command-line scripts: clear messages and exit codes, and an explicit
// exit (Dawn and the WASM runtime keep Node alive otherwise).

export class UsageError extends Error {
  override name = 'UsageError';
}

export function runMain(main: () => Promise<void>, usage: string): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      const err = e as Error;
      if (err instanceof UsageError) {
        process.stderr.write(`error: ${err.message}\n\n${usage}\n`);
        process.exit(2);
      }
      process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
      if (process.env.DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
      process.exit(1);
    },
  );
}
