import { createLogger } from '../../src/logger.ts';
import { startDemo } from './start-demo.ts';

// `npm run demo`: everything on loopback, one URL to open, Ctrl-C to stop it all.
const port = Number(process.env.DEMO_PORT ?? 3030);
const demo = await startDemo({
  port,
  logger: createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' }),
});
process.stdout.write(`\ncii-slack demo is running: open ${demo.url}\n\nCtrl-C stops everything.\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping the demo…\n');
  demo.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`error while stopping: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
