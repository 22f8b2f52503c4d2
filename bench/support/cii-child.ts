// The CII simulator in a process of its own, for bench/lookup.ts (see remote-cii.ts): started with the number of
// synthetic users and the latency, it says where it listens, then answers requests for its request log.
import { startCiiSimulator } from '../../sim/cii/server.ts';
import type { CiiChildMessage, CiiParentMessage } from './remote-cii.ts';
import { syntheticUsers } from './synthetic-users.ts';

const [users, latencyMs] = process.argv.slice(2).map(Number);
const cii = await startCiiSimulator({ users: syntheticUsers(users!) });
cii.setLatency(latencyMs!);

const send = (message: CiiChildMessage) => process.send!(message);
send({ kind: 'ready', tokenUrl: cii.tokenUrl, apiUrl: cii.apiUrl, credentials: cii.credentials });
process.on('message', (message: CiiParentMessage) => {
  if (message.kind === 'requests')
    send({ kind: 'requests', id: message.id, requests: cii.requests.slice(message.from), total: cii.requests.length });
});
// The bench is gone (or done): nothing else would stop this process.
process.on('disconnect', () => void cii.close().finally(() => process.exit(0)));
