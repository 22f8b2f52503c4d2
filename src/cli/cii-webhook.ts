import { createCiiClient } from '../cii/client.ts';
import { CiiError } from '../cii/errors.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger, flushLogs } from '../logger.ts';
import { openStore } from '../store/open-store.ts';
import { CliUsageError, runWebhookCli, WEBHOOK_CLI_USAGE } from './webhook-cli.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'debug' ? 'debug' : 'warn' });
  const store = await openStore(config.databaseUrl, { logger });
  try {
    const cii = createCiiClient({ ...config.cii, logger });
    return await runWebhookCli(process.argv.slice(2), {
      cii,
      store,
      webhook: config.webhook,
      out: (line) => console.log(line),
    });
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    flushLogs();
    if (err instanceof CliUsageError) process.stderr.write(`${err.message}\n${WEBHOOK_CLI_USAGE}\n`);
    else if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof CiiError) process.stderr.write(`CII: ${err.message}\n`);
    else process.stderr.write(`cii:webhook failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof CliUsageError ? 2 : 1);
  },
);
