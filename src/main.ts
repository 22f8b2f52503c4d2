import { startApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, writeLastLine } from './logger.ts';

let ending = false;

/** One line on stderr, after the log lines before it, then exit 1: what an operator must fix, never a stack trace. */
function cannotStart(message: string): void {
  if (ending) return;
  ending = true;
  void writeLastLine(`cii-slack cannot start: ${message}\n`).then(() => process.exit(1));
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cii-slack cannot start. ${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  process.on('unhandledRejection', (err) => {
    logger.error('unhandled rejection; exiting', err);
    process.exit(1);
  });
  const running = await startApp(config, { logger, drainNoticeMs: 2_000, onFatal: (err) => cannotStart(err.message) });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: finishing the work under way', { signal });
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('error while stopping', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  cannotStart(err instanceof Error ? err.message : String(err));
});
