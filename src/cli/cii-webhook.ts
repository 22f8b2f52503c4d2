import { createCiiClient } from '../cii/client.ts';
import { CiiError } from '../cii/errors.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger, writeLastLine } from '../logger.ts';
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
    const message =
      err instanceof CliUsageError
        ? `${err.message}\n${WEBHOOK_CLI_USAGE}`
        : err instanceof ConfigError
          ? err.message
          : err instanceof CiiError
            ? `CII: ${err.message}`
            : `cii:webhook failed: ${err instanceof Error ? err.message : String(err)}`;
    void writeLastLine(`${message}\n`).then(() => process.exit(err instanceof CliUsageError ? 2 : 1));
  },
);
