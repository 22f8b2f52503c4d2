// Starts the fake Slack, the CII simulator, a toy Bolt app and the console, to look at the page:
//   node_modules/.bin/node sim/console/try-console.ts [port]
import { checks } from '../cii/checks.ts';
import { startCiiSimulator } from '../cii/server.ts';
import { startFakeSlack } from '../slack/fake-slack.ts';
import { mountConsole } from './console-server.ts';
import { registerToyWebhook, startToyApp } from './toy-app.ts';

const SIGNING_SECRET = 'try-console-signing-secret';

const port = Number(process.argv[2] ?? 0);
const fake = await startFakeSlack({ port });
const cii = await startCiiSimulator();
const toy = await startToyApp({ fake, signingSecret: SIGNING_SECRET, responder: 'UANALYST' });
await registerToyWebhook(
  cii,
  toy,
  checks.map((c) => c.id),
);
const consoleHandle = mountConsole({
  fake,
  appUrl: toy.url,
  signingSecret: SIGNING_SECRET,
  cii,
  users: { responder: 'UANALYST', nonResponder: 'UVIEWER' },
});
console.log(`console: ${consoleHandle.url}`);

process.once('SIGINT', () => {
  consoleHandle.close();
  void Promise.all([toy.stop(), fake.close(), cii.close()]).then(() => process.exit(0));
});
