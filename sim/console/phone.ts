import type { SimUser } from '../cii/seed.ts';
import type { IdpSimulators } from '../idp/simulators.ts';
import type { FakeSlack } from '../slack/fake-slack.ts';

/** A Slack user's phone as Duo Mobile shows it: their Duo username and the pushes waiting for their answer. */
export interface Phone {
  /** Undefined when neither CII nor the Duo simulator knows a Duo account with their email. */
  username?: string;
  pushes: Array<{ txid: string; info: Record<string, string> }>;
}

/** As the app finds it: the CII user with the Slack email and its Duo account, else the Duo user with that email. */
function duoUsername(
  email: string,
  ciiUsers: readonly SimUser[],
  duo: IdpSimulators['duo'] | undefined,
): string | undefined {
  const cii = ciiUsers.find((u) => u.login.toLowerCase() === email)?.accounts.find((a) => a.provider === 'DUO');
  if (cii) return cii.login;
  for (const [id, user] of duo?.users ?? []) if (user.email?.toLowerCase() === email) return user.username ?? id;
  return undefined;
}

export function phoneOf(
  opts: { fake: FakeSlack; idp?: IdpSimulators; ciiUsers?: readonly SimUser[] },
  userId: string,
): Phone {
  const email = opts.fake.user(userId)?.email?.trim().toLowerCase();
  const username = email ? duoUsername(email, opts.ciiUsers ?? [], opts.idp?.duo) : undefined;
  if (username === undefined) return { pushes: [] };
  const pushes = (opts.idp?.duoAuth.pushes() ?? [])
    .filter((p) => p.username === username && p.state === 'waiting')
    .map((p) => ({ txid: p.txid, info: p.info }));
  return { username, pushes };
}
