import type { SimReply, SimRequest } from './http-server.ts';

/** A push sent through the simulated Duo Auth API, waiting for the person (or a test, or the console) to answer. */
export interface DuoSimPush {
  txid: string;
  username: string;
  state: 'waiting' | 'allow' | 'deny';
  /** What the app said the push is for (`pushinfo`), as the phone shows it. */
  info: Record<string, string>;
}

export interface DuoAuthSim {
  /** Answers `/auth/v2/preauth`, `/auth/v2/auth` (factor=push, async) and `/auth/v2/auth_status`, signature checked by the caller. */
  handle(req: SimRequest, params: Record<string, string> | undefined): SimReply;
  pushes: () => DuoSimPush[];
  /** Approves or denies a waiting push, as the user would on their phone; false when there is none. */
  answer: (txid: string, answer: 'allow' | 'deny') => boolean;
}

const fail = (status: number, code: number, message: string): SimReply => ({
  status,
  body: { stat: 'FAIL', code, message },
});
const ok = (response: Record<string, unknown>): SimReply => ({ status: 200, body: { stat: 'OK', response } });

/** Duo's Auth API v2 as far as a push goes; `enrolled` decides who has a push device (default: everyone). */
export function createDuoAuthSim(options: { enrolled?: (username: string) => boolean } = {}): DuoAuthSim {
  const pushes = new Map<string, DuoSimPush>();
  let next = 1;
  return {
    handle(req, params) {
      const [, , endpoint] = req.segments;
      if (!params) return fail(400, 40002, 'Invalid request parameters');
      if (endpoint === 'preauth' && req.method === 'POST') {
        if (!params.username) return fail(400, 40002, 'Missing required request parameters');
        if (!(options.enrolled?.(params.username) ?? true))
          return ok({ result: 'enroll', status_msg: 'Enroll an authentication device to proceed', devices: [] });
        return ok({
          result: 'auth',
          status_msg: 'Account is active',
          devices: [{ device: 'DPSIMULATEDPHONE0001', type: 'phone', capabilities: ['auto', 'push'] }],
        });
      }
      if (endpoint === 'auth' && req.method === 'POST') {
        if (params.factor !== 'push' || params.async !== '1' || !params.username)
          return fail(400, 40002, 'Invalid request parameters (the simulator serves async pushes only)');
        const txid = `sim-tx-${String(next++).padStart(6, '0')}`;
        const info = Object.fromEntries(new URLSearchParams(params.pushinfo ?? ''));
        pushes.set(txid, { txid, username: params.username, state: 'waiting', info });
        return ok({ txid });
      }
      if (endpoint === 'auth_status' && req.method === 'GET') {
        const push = pushes.get(req.query.get('txid') ?? '');
        if (!push) return fail(400, 40002, 'Invalid request parameters: txid');
        if (push.state === 'waiting')
          return ok({ result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request' });
        return ok({
          result: push.state,
          status: push.state,
          status_msg: push.state === 'allow' ? 'Success' : 'Login request denied',
        });
      }
      return fail(404, 40401, 'Resource not found');
    },
    pushes: () => [...pushes.values()],
    answer: (txid, answer) => {
      const push = pushes.get(txid);
      if (!push || push.state !== 'waiting') return false;
      push.state = answer;
      return true;
    },
  };
}
