import { createLogger } from '../../src/logger.ts';
import { DemoStartError, demoPort } from './start-errors.ts';
import { startDemo, type Demo } from './start-demo.ts';

// `npm run demo`: everything on loopback, one URL to open, Ctrl-C to stop it all.
function fail(message: string): never {
  process.stderr.write(`cii-slack demo: ${message}\n`);
  process.exit(1);
}

let demo: Demo;
try {
  demo = await startDemo({
    port: demoPort(process.env.DEMO_PORT, 3030),
    // DEMO_STEP_UP=1: Block, Unblock and Approve all open wait for the responder's Duo Push (CII_STEP_UP=duo).
    stepUp: process.env.DEMO_STEP_UP === '1',
    // One readable line an entry for the person watching the terminal (the app's default stays JSON).
    logger: createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn', format: 'line' }),
  });
} catch (err) {
  if (err instanceof DemoStartError) fail(err.message);
  fail(`${err instanceof Error ? err.message : String(err)}. Nothing was left running.`);
}
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
