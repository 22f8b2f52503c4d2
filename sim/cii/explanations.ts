import type { SimGeo, SimUser } from './seed.ts';

/** Where the seed's cities are, for the distances CII reports between two sign-ins. */
const COORDINATES: Record<string, readonly [number, number]> = {
  'San Jose': [37.34, -121.89],
  Austin: [30.27, -97.74],
  'New York': [40.71, -74.01],
  London: [51.51, -0.13],
  Bengaluru: [12.97, 77.59],
  Moscow: [55.76, 37.62],
  Lagos: [6.52, 3.38],
  'São Paulo': [-23.55, -46.63],
  Pyongyang: [39.04, 125.76],
  Amsterdam: [52.37, 4.9],
  Ashburn: [39.04, -77.49],
};

const DAY_MS = 24 * 60 * 60_000;
const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (geo: SimGeo | null | undefined) => (geo ? (countryNames.of(geo.country) ?? geo.country) : '');

function distanceKm(a: SimGeo, b: SimGeo): number | undefined {
  const from = a.city ? COORDINATES[a.city] : undefined;
  const to = b.city ? COORDINATES[b.city] : undefined;
  if (!from || !to) return undefined;
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h =
    Math.sin(rad(to[0] - from[0]) / 2) ** 2 +
    Math.cos(rad(from[0])) * Math.cos(rad(to[0])) * Math.sin(rad(to[1] - from[1]) / 2) ** 2;
  return Math.round(2 * 6371 * Math.asin(Math.sqrt(h)));
}

const days = (from: string, to: number) => String(Math.max(1, Math.floor((to - Date.parse(from)) / DAY_MS)));

/**
 * The key-value details CII sends about one user failing a check (`loginDetails[].details`, and
 * `explainabilityDetails` in single-user payloads), computed from the seeded user so every placeholder of the
 * check's description has its value.
 */
export function explanationFor(checkId: string, user: SimUser, now: Date): Array<{ key: string; value: string }> {
  const [last, previous] = user.signIns;
  const failures = user.signIns.filter((s) => s.result === 'FAILURE');
  const details: Record<string, string | undefined> = {};
  switch (checkId) {
    case 'no-mfa':
      details.numberOfDays = days(user.firstCreatedDate, Date.parse(user.lastActive));
      break;
    case 'impossible-travel': {
      if (last && previous) {
        const km = distanceKm(last.location, previous.location);
        details.distanceKm = km === undefined ? undefined : String(km);
        details.elapsedMinutes = String(
          Math.round((Date.parse(last.timestamp) - Date.parse(previous.timestamp)) / 60_000),
        );
        details.previousIpAddress = previous.ipAddress;
      }
      break;
    }
    case 'access-from-denied-territories':
      details.countryName = countryName(last?.location);
      details.ipAddress = last?.ipAddress;
      break;
    case 'user-ip-in-blocked-state':
      details.blockedIpAddress = last?.ipAddress;
      details.blockedBy = 'Threat intelligence feed';
      break;
    case 'registered-location-mismatch':
      details.registeredCountry = countryName(user.registeredLocation);
      details.observedCountry = countryName(last?.location);
      break;
    case 'user-lock-out-risk-detected':
    case 'active-account-under-heavy-attack': {
      const since = now.getTime() - DAY_MS;
      const recent = failures.filter((s) => Date.parse(s.timestamp) >= since);
      const counted = recent.length > 0 ? recent : failures;
      details.failedAttempts = String(counted.length);
      details.windowHours = '24';
      details.distinctIps = String(new Set(counted.map((s) => s.ipAddress)).size);
      break;
    }
    case 'bypass-code-used':
      details.ipAddress = last?.ipAddress;
      break;
    case 'admin-role-assigned-okta':
      details.roleName = user.groupNames.some((g) => /super admin/i.test(g))
        ? 'Super Administrator'
        : 'Organization Administrator';
      break;
    case 'inactive-users':
      details.numberOfDays = days(user.lastActive, now.getTime());
      break;
  }
  return Object.entries(details)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([key, value]) => ({ key, value }));
}
