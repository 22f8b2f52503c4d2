import { createHash } from 'node:crypto';

/** A deterministic company, "Example Corp" (example.com), as CII would see it after syncing Duo, Okta and Entra ID. */

export type SimProvider = 'DUO' | 'OKTA' | 'AZURE_AD';

export interface SimGeo {
  city: string | null;
  state: string | null;
  country: string;
}

export interface SimSignIn {
  timestamp: string;
  result: 'SUCCESS' | 'FAILURE';
  reason: string | null;
  ipAddress: string;
  location: SimGeo;
}

export interface SimDevice {
  deviceId: string;
  displayName: string;
  os: 'WINDOWS' | 'MACOS' | 'IOS' | 'ANDROID' | 'LINUX' | 'CHROME_OS' | 'UNKNOWN';
  lastSeen: string;
  deviceType: 'ACCESS' | 'AUTHENTICATION';
  provider: SimProvider;
}

export interface SimProviderAccount {
  /** The provider's own id: Duo `DU...`, Okta `00u...`, Entra ID object GUID. */
  userId: string;
  provider: SimProvider;
  login: string;
  email: string | null;
  status: string;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  mfaEnabled: boolean;
  lastSignIn: SimSignIn | null;
  creationDate: string;
  lastUpdated: string;
}

export interface SimUser {
  id: string;
  login: string;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  status: string;
  userTypeClassification: string;
  company: string;
  department: string | null;
  title: string | null;
  employeeId: string | null;
  managerLogin: string | null;
  emails: string[];
  /** Other logins CII merged into this user (absent: none). */
  linkedEndUserLogins?: string[];
  phoneNumber: string | null;
  groupNames: string[];
  devices: SimDevice[];
  accounts: SimProviderAccount[];
  /** Newest first. */
  signIns: SimSignIn[];
  usedFactors: string[];
  usedApplications: string[];
  unusedApplications: string[];
  /** Check ids (see checks.ts). */
  failingChecks: string[];
  registeredLocation: SimGeo | null;
  workingLocations: { location: SimGeo; userLocationPrevalence: number }[];
  firstCreatedDate: string;
  lastActive: string;
  levelOfTrust: 'TRUSTED' | 'FAVORABLE' | 'NEUTRAL' | 'QUESTIONABLE' | 'UNTRUSTED' | 'UNKNOWN';
  referenceUrl: string;
}

export const SEED_DOMAIN = 'example.com';
const SEED_COMPANY = 'Example Corp';
/** The seed is written as of this instant; `seedAsOf` moves it to any other "now" (the demo: its start). */
export const SEED_NOW = '2026-11-20T09:00:00.000Z';
/** Corporate VPN egress: every employee signs in through it (31 users, enough to page). */
export const SEED_VPN_IP = '198.51.100.10';
/** London office egress, shared by the London staff. */
export const SEED_LONDON_IP = '203.0.113.25';
/** San Jose office, IPv6. */
export const SEED_HQ_IPV6 = '2001:db8:4860:10::1a';
export const SEED_SERVICE_ACCOUNT = 'hrms.serviceuser';

const digest = (text: string) => createHash('sha256').update(text).digest();

function uuidFrom(text: string): string {
  const h = digest(text).toString('hex');
  const variant = '89ab'[parseInt(h.slice(16, 17), 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function charsFrom(text: string, alphabet: string, length: number): string {
  const bytes = digest(text);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i % bytes.length] ?? 0) % alphabet.length];
  return out;
}

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const providerUserId: Record<SimProvider, (login: string) => string> = {
  DUO: (login) => 'DU' + charsFrom(`duo:${login}`, UPPER_DIGITS, 18),
  OKTA: (login) => '00u' + charsFrom(`okta:${login}`, BASE62, 17),
  AZURE_AD: (login) => uuidFrom(`entra:${login}`),
};

const minutesAgo = (minutes: number) => new Date(Date.parse(SEED_NOW) - minutes * 60_000).toISOString();
const DAY = 24 * 60;

const places = {
  sanJose: { city: 'San Jose', state: 'California', country: 'US' },
  austin: { city: 'Austin', state: 'Texas', country: 'US' },
  newYork: { city: 'New York', state: 'New York', country: 'US' },
  london: { city: 'London', state: 'England', country: 'GB' },
  bengaluru: { city: 'Bengaluru', state: 'Karnataka', country: 'IN' },
  moscow: { city: 'Moscow', state: 'Moscow', country: 'RU' },
  lagos: { city: 'Lagos', state: 'Lagos', country: 'NG' },
  saoPaulo: { city: 'São Paulo', state: 'São Paulo', country: 'BR' },
  pyongyang: { city: 'Pyongyang', state: null, country: 'KP' },
  amsterdam: { city: 'Amsterdam', state: 'North Holland', country: 'NL' },
  ashburn: { city: 'Ashburn', state: 'Virginia', country: 'US' },
} satisfies Record<string, SimGeo>;
type Place = keyof typeof places;

const officeIps: Partial<Record<Place, string>> = {
  london: SEED_LONDON_IP,
  bengaluru: '192.0.2.44',
  sanJose: SEED_HQ_IPV6,
};

const phonePrefix: Record<string, string> = { US: '+1 408 555', GB: '+44 20 7946', IN: '+91 80 5555' };

interface Row {
  local: string;
  first: string;
  last: string;
  title: string;
  department: string;
  manager: string | null;
  home: Place;
  providers: SimProvider[];
}

const D: SimProvider = 'DUO';
const O: SimProvider = 'OKTA';
const A: SimProvider = 'AZURE_AD';

const rows: Row[] = [
  {
    local: 'olivia.bennett',
    first: 'Olivia',
    last: 'Bennett',
    title: 'Chief Executive Officer',
    department: 'Executive',
    manager: null,
    home: 'sanJose',
    providers: [D, O, A],
  },
  {
    local: 'daniel.okafor',
    first: 'Daniel',
    last: 'Okafor',
    title: 'Chief Technology Officer',
    department: 'Engineering',
    manager: 'olivia.bennett',
    home: 'sanJose',
    providers: [D, O],
  },
  {
    local: 'sofia.martinez',
    first: 'Sofia',
    last: 'Martinez',
    title: 'Chief Financial Officer',
    department: 'Finance',
    manager: 'olivia.bennett',
    home: 'newYork',
    providers: [D, A],
  },
  {
    local: 'james.whitaker',
    first: 'James',
    last: 'Whitaker',
    title: 'VP Sales',
    department: 'Sales',
    manager: 'olivia.bennett',
    home: 'newYork',
    providers: [D, O, A],
  },
  {
    local: 'aisha.khan',
    first: 'Aisha',
    last: 'Khan',
    title: 'VP People',
    department: 'Human Resources',
    manager: 'olivia.bennett',
    home: 'sanJose',
    providers: [D, A],
  },
  {
    local: 'marcus.chen',
    first: 'Marcus',
    last: 'Chen',
    title: 'IT Director',
    department: 'IT',
    manager: 'daniel.okafor',
    home: 'sanJose',
    providers: [D, O, A],
  },
  {
    local: 'emily.zhang',
    first: 'Emily',
    last: 'Zhang',
    title: 'Engineering Manager',
    department: 'Engineering',
    manager: 'daniel.okafor',
    home: 'sanJose',
    providers: [D, O],
  },
  {
    local: 'priya.raman',
    first: 'Priya',
    last: 'Raman',
    title: 'Staff Software Engineer',
    department: 'Engineering',
    manager: 'emily.zhang',
    home: 'sanJose',
    providers: [D, O],
  },
  {
    local: 'liam.obrien',
    first: 'Liam',
    last: "O'Brien",
    title: 'Senior Software Engineer',
    department: 'Engineering',
    manager: 'emily.zhang',
    home: 'austin',
    providers: [D, O],
  },
  {
    local: 'noah.fischer',
    first: 'Noah',
    last: 'Fischer',
    title: 'Software Engineer',
    department: 'Engineering',
    manager: 'emily.zhang',
    home: 'london',
    providers: [D, O],
  },
  {
    local: 'chloe.dubois',
    first: 'Chloé',
    last: 'Dubois',
    title: 'Site Reliability Engineer',
    department: 'Engineering',
    manager: 'emily.zhang',
    home: 'london',
    providers: [D, O],
  },
  {
    local: 'arjun.mehta',
    first: 'Arjun',
    last: 'Mehta',
    title: 'Software Engineer',
    department: 'Engineering',
    manager: 'emily.zhang',
    home: 'bengaluru',
    providers: [D, O],
  },
  {
    local: 'kavya.iyer',
    first: 'Kavya',
    last: 'Iyer',
    title: 'QA Engineer',
    department: 'Engineering',
    manager: 'emily.zhang',
    home: 'bengaluru',
    providers: [O],
  },
  {
    local: 'ethan.brooks',
    first: 'Ethan',
    last: 'Brooks',
    title: 'Security Engineer',
    department: 'IT',
    manager: 'marcus.chen',
    home: 'austin',
    providers: [D, O, A],
  },
  {
    local: 'grace.kim',
    first: 'Grace',
    last: 'Kim',
    title: 'IT Support Specialist',
    department: 'IT',
    manager: 'marcus.chen',
    home: 'sanJose',
    providers: [D, O, A],
  },
  {
    local: 'lucas.silva',
    first: 'Lucas',
    last: 'Silva',
    title: 'Account Executive',
    department: 'Sales',
    manager: 'james.whitaker',
    home: 'newYork',
    providers: [D, O],
  },
  {
    local: 'hannah.schmidt',
    first: 'Hannah',
    last: 'Schmidt',
    title: 'Account Executive',
    department: 'Sales',
    manager: 'james.whitaker',
    home: 'london',
    providers: [D, O],
  },
  {
    local: 'mateo.rossi',
    first: 'Mateo',
    last: 'Rossi',
    title: 'Sales Engineer',
    department: 'Sales',
    manager: 'james.whitaker',
    home: 'austin',
    providers: [O, A],
  },
  {
    local: 'zoe.williams',
    first: 'Zoe',
    last: 'Williams',
    title: 'Sales Development Representative',
    department: 'Sales',
    manager: 'james.whitaker',
    home: 'austin',
    providers: [D, O],
  },
  {
    local: 'benjamin.clarke',
    first: 'Benjamin',
    last: 'Clarke',
    title: 'Controller',
    department: 'Finance',
    manager: 'sofia.martinez',
    home: 'london',
    providers: [D, A],
  },
  {
    local: 'mia.johansson',
    first: 'Mia',
    last: 'Johansson',
    title: 'Senior Accountant',
    department: 'Finance',
    manager: 'benjamin.clarke',
    home: 'newYork',
    providers: [D, A],
  },
  {
    local: 'ryan.patel',
    first: 'Ryan',
    last: 'Patel',
    title: 'Financial Analyst',
    department: 'Finance',
    manager: 'benjamin.clarke',
    home: 'newYork',
    providers: [D, A],
  },
  {
    local: 'isabella.nguyen',
    first: 'Isabella',
    last: 'Nguyen',
    title: 'HR Business Partner',
    department: 'Human Resources',
    manager: 'aisha.khan',
    home: 'sanJose',
    providers: [D, A],
  },
  {
    local: 'samuel.adeyemi',
    first: 'Samuel',
    last: 'Adeyemi',
    title: 'Recruiter',
    department: 'Human Resources',
    manager: 'aisha.khan',
    home: 'london',
    providers: [D, A],
  },
  {
    local: 'laura.petrov',
    first: 'Laura',
    last: 'Petrov',
    title: 'Payroll Specialist',
    department: 'Human Resources',
    manager: 'aisha.khan',
    home: 'austin',
    providers: [A],
  },
  {
    local: 'david.levy',
    first: 'David',
    last: 'Levy',
    title: 'General Counsel',
    department: 'Legal',
    manager: 'olivia.bennett',
    home: 'newYork',
    providers: [D, A],
  },
  {
    local: 'nora.haddad',
    first: 'Nora',
    last: 'Haddad',
    title: 'Paralegal',
    department: 'Legal',
    manager: 'david.levy',
    home: 'newYork',
    providers: [D, A],
  },
  {
    local: 'oscar.lindqvist',
    first: 'Oscar',
    last: 'Lindqvist',
    title: 'Marketing Director',
    department: 'Marketing',
    manager: 'olivia.bennett',
    home: 'sanJose',
    providers: [D, O],
  },
  {
    local: 'ella.moreau',
    first: 'Ella',
    last: 'Moreau',
    title: 'Content Marketing Manager',
    department: 'Marketing',
    manager: 'oscar.lindqvist',
    home: 'london',
    providers: [D, O],
  },
  {
    local: 'tom.harris',
    first: 'Tom',
    last: 'Harris',
    title: 'Freelance Designer',
    department: 'Marketing',
    manager: 'oscar.lindqvist',
    home: 'austin',
    providers: [O],
  },
  {
    local: 'walter.grant',
    first: 'Walter',
    last: 'Grant',
    title: 'Account Executive',
    department: 'Sales',
    manager: 'james.whitaker',
    home: 'newYork',
    providers: [O, A],
  },
];

const departmentApps: Record<string, string[]> = {
  Executive: ['Microsoft 365', 'Slack', 'Zoom', 'Workday', 'Salesforce'],
  Engineering: ['GitHub', 'Slack', 'Jira', 'AWS Console', 'Zoom'],
  Finance: ['NetSuite', 'Microsoft 365', 'Slack', 'Workday'],
  'Human Resources': ['Workday', 'Microsoft 365', 'Slack', 'Greenhouse'],
  IT: ['Okta Admin Console', 'Duo Admin Panel', 'Microsoft Entra admin center', 'Jira', 'Slack', 'AWS Console'],
  Legal: ['Microsoft 365', 'DocuSign', 'Slack'],
  Marketing: ['HubSpot', 'Figma', 'Slack', 'Zoom'],
  Sales: ['Salesforce', 'Gong', 'Slack', 'Zoom'],
};
const allApps = [...new Set(Object.values(departmentApps).flat())].sort();

const ITADMIN_GROUPS = [
  'All Employees',
  'IT',
  'VPN Users',
  'San Jose Office',
  'Okta Super Admins',
  'Duo Administrators',
  'Entra Global Administrators',
  'AWS Administrators',
  'GitHub Org Owners',
  'Slack Admins',
  'Jira Admins',
  'Change Advisory Board',
  'Incident Response',
  'Backup Operators',
  'Endpoint Management',
  'Privileged Access Workstations',
  'Security Champions',
];

function sessionFor(ip: string, location: SimGeo, minutes: number, failure?: string): SimSignIn {
  return {
    timestamp: minutesAgo(minutes),
    result: failure ? 'FAILURE' : 'SUCCESS',
    reason: failure ?? null,
    ipAddress: ip,
    location,
  };
}

function buildUser(row: Row, index: number): SimUser {
  const login = `${row.local}@${SEED_DOMAIN}`;
  const home = places[row.home];
  const offset = index * 37;
  const homeIp = `203.0.113.${100 + index}`;
  const signIns: SimSignIn[] = [
    sessionFor(SEED_VPN_IP, places.sanJose, 45 + offset),
    sessionFor(officeIps[row.home] ?? homeIp, home, 300 + offset),
    sessionFor(homeIp, home, DAY + offset, index % 4 === 0 ? 'INVALID_CREDENTIALS' : undefined),
    sessionFor(homeIp, home, 2 * DAY + offset),
  ];
  const laptopOs = index % 3 === 0 ? 'WINDOWS' : 'MACOS';
  const phoneOs = index % 2 === 0 ? 'IOS' : 'ANDROID';
  const devices: SimDevice[] = [
    {
      deviceId: uuidFrom(`laptop:${login}`),
      displayName: `${row.first}'s ${laptopOs === 'MACOS' ? 'MacBook Pro' : 'ThinkPad X1'}`,
      os: laptopOs,
      lastSeen: minutesAgo(45 + offset),
      deviceType: 'ACCESS',
      provider: row.providers.includes(A) ? A : D,
    },
    {
      deviceId: 'DP' + charsFrom(`phone:${login}`, UPPER_DIGITS, 18),
      displayName: `${row.first}'s ${phoneOs === 'IOS' ? 'iPhone 15' : 'Pixel 8'}`,
      os: phoneOs,
      lastSeen: minutesAgo(46 + offset),
      deviceType: 'AUTHENTICATION',
      provider: D,
    },
  ];
  const created = minutesAgo((400 + index * 29) * DAY);
  return {
    id: uuidFrom(`user:${login}`),
    login,
    displayName: `${row.first} ${row.last}`,
    firstName: row.first,
    lastName: row.last,
    status: 'ACTIVE',
    userTypeClassification: 'INTERNAL',
    company: SEED_COMPANY,
    department: row.department,
    title: row.title,
    employeeId: `E${String(1001 + index).padStart(5, '0')}`,
    managerLogin: row.manager ? `${row.manager}@${SEED_DOMAIN}` : null,
    emails: [login],
    phoneNumber: `${phonePrefix[home.country] ?? '+1 408 555'} ${String(100 + index).padStart(4, '0')}`,
    groupNames: ['All Employees', row.department, 'VPN Users', `${home.city} Staff`],
    devices,
    accounts: [],
    signIns,
    usedFactors: row.providers.includes(D) ? ['Duo Push', 'Password'] : ['Okta Verify Push', 'Password'],
    usedApplications: departmentApps[row.department] ?? ['Slack'],
    unusedApplications: allApps.filter((app) => !(departmentApps[row.department] ?? []).includes(app)).slice(0, 3),
    failingChecks: [],
    registeredLocation: home,
    workingLocations: [
      { location: home, userLocationPrevalence: row.home === 'sanJose' ? 1 : 0.82 },
      ...(row.home === 'sanJose' ? [] : [{ location: places.sanJose, userLocationPrevalence: 0.18 }]),
    ],
    firstCreatedDate: created,
    lastActive: minutesAgo(45 + offset),
    levelOfTrust: index % 5 === 0 ? 'FAVORABLE' : 'TRUSTED',
    referenceUrl: '',
  };
}

type Tweak = (user: SimUser) => void;

const at = (place: Place, ip: string, minutes: number, failure?: string): SimSignIn =>
  sessionFor(ip, places[place], minutes, failure);

const tweaks: Record<string, Tweak> = {
  'marcus.chen': (u) => {
    u.groupNames = ITADMIN_GROUPS;
    u.failingChecks = ['admin-role-assigned-okta'];
    u.usedFactors = ['Duo Push', 'WebAuthn', 'Password'];
  },
  'priya.raman': (u) => {
    const extra: [string, SimDevice['os'], SimDevice['deviceType']][] = [
      ['Linux build workstation', 'LINUX', 'ACCESS'],
      ['Test iPhone 13', 'IOS', 'AUTHENTICATION'],
      ['Test Galaxy S23', 'ANDROID', 'AUTHENTICATION'],
      ['Chromebook (QA)', 'CHROME_OS', 'ACCESS'],
      ['Windows VM (CI)', 'WINDOWS', 'ACCESS'],
      ['iPad Pro', 'IOS', 'ACCESS'],
      ['YubiKey 5C NFC', 'UNKNOWN', 'AUTHENTICATION'],
    ];
    u.devices.push(
      ...extra.map(([displayName, os, deviceType], i): SimDevice => ({
        deviceId: uuidFrom(`extra-device:${u.login}:${i}`),
        displayName,
        os,
        lastSeen: minutesAgo((i + 1) * 3 * DAY),
        deviceType,
        provider: D,
      })),
    );
    u.usedFactors = ['Duo Push', 'WebAuthn', 'Passcode', 'Password'];
  },
  'lucas.silva': (u) => {
    u.signIns.unshift(at('saoPaulo', '192.0.2.202', 20));
    u.usedFactors = ['Duo Push', 'Bypass Code', 'Password'];
    u.failingChecks = ['bypass-code-used', 'registered-location-mismatch'];
    u.levelOfTrust = 'NEUTRAL';
  },
  'hannah.schmidt': (u) => {
    u.signIns.unshift(at('newYork', '198.51.100.61', 15));
    u.failingChecks = ['registered-location-mismatch'];
  },
  'zoe.williams': (u) => {
    u.status = 'LOCKED_OUT';
    u.signIns.unshift(
      at('austin', '203.0.113.118', 5, 'LOCKED_OUT'),
      at('austin', '203.0.113.118', 6, 'INVALID_CREDENTIALS'),
      at('austin', '203.0.113.118', 7, 'INVALID_CREDENTIALS'),
    );
    u.failingChecks = ['user-lock-out-risk-detected'];
    u.levelOfTrust = 'QUESTIONABLE';
  },
  'mia.johansson': (u) => {
    u.signIns.unshift(at('moscow', '192.0.2.200', 30), at('newYork', '198.51.100.62', 95));
    u.failingChecks = ['impossible-travel'];
    u.levelOfTrust = 'UNTRUSTED';
  },
  'ryan.patel': (u) => {
    u.signIns.unshift(
      at('lagos', '192.0.2.201', 2, 'INVALID_CREDENTIALS'),
      at('amsterdam', '192.0.2.66', 3, 'INVALID_CREDENTIALS'),
      at('lagos', '192.0.2.205', 4, 'MFA_DENIED'),
      at('saoPaulo', '192.0.2.206', 5, 'INVALID_CREDENTIALS'),
    );
    u.failingChecks = ['active-account-under-heavy-attack'];
    u.levelOfTrust = 'QUESTIONABLE';
  },
  'samuel.adeyemi': (u) => {
    u.signIns.unshift(at('pyongyang', '192.0.2.203', 12));
    u.failingChecks = ['access-from-denied-territories'];
    u.levelOfTrust = 'UNTRUSTED';
  },
  'laura.petrov': (u) => {
    u.signIns.unshift(at('amsterdam', '192.0.2.66', 25, 'DENIED_BY_POLICY'));
    u.failingChecks = ['user-ip-in-blocked-state'];
  },
  'tom.harris': (u) => {
    u.userTypeClassification = 'EXTERNAL';
    u.groupNames = ['Contractors', 'Marketing'];
    u.usedFactors = ['Password'];
    u.failingChecks = ['no-mfa'];
    u.employeeId = null;
    u.phoneNumber = null;
  },
  'walter.grant': (u) => {
    u.status = 'INACTIVE';
    u.signIns = u.signIns.map((s, i) => ({ ...s, timestamp: minutesAgo(140 * DAY + i * 60) }));
    u.lastActive = minutesAgo(140 * DAY);
    u.failingChecks = ['inactive-users'];
    u.levelOfTrust = 'NEUTRAL';
  },
  'olivia.bennett': (u) => {
    u.signIns.unshift(at('sanJose', SEED_HQ_IPV6, 10));
    u.usedFactors = ['WebAuthn', 'Duo Push', 'Password'];
  },
};

function serviceAccount(): SimUser {
  const login = SEED_SERVICE_ACCOUNT;
  const datacenter = places.ashburn;
  return {
    id: uuidFrom(`user:${login}`),
    login,
    displayName: 'HRMS Service User',
    firstName: null,
    lastName: null,
    status: 'ACTIVE',
    userTypeClassification: 'SERVICE_ACCOUNT',
    company: SEED_COMPANY,
    department: null,
    title: null,
    employeeId: null,
    managerLogin: `aisha.khan@${SEED_DOMAIN}`,
    emails: [],
    phoneNumber: null,
    groupNames: ['Service Accounts', 'HRMS Integration'],
    devices: [],
    accounts: [],
    signIns: [
      { timestamp: minutesAgo(60), result: 'SUCCESS', reason: null, ipAddress: '198.51.100.77', location: datacenter },
      { timestamp: minutesAgo(120), result: 'SUCCESS', reason: null, ipAddress: '198.51.100.77', location: datacenter },
    ],
    usedFactors: ['Password'],
    usedApplications: ['Workday'],
    unusedApplications: [],
    failingChecks: ['no-mfa'],
    registeredLocation: null,
    workingLocations: [{ location: datacenter, userLocationPrevalence: 1 }],
    firstCreatedDate: minutesAgo(900 * DAY),
    lastActive: minutesAgo(60),
    levelOfTrust: 'UNKNOWN',
    referenceUrl: '',
  };
}

// Entra ID reports accounts as ENABLED; only Okta models a lock-out on the account itself.
const accountStatus = (provider: SimProvider, userStatus: string): string =>
  userStatus === 'LOCKED_OUT' && provider === 'OKTA' ? 'LOCKED_OUT' : provider === 'AZURE_AD' ? 'ENABLED' : 'ACTIVE';

function attachAccounts(user: SimUser, providers: SimProvider[]): void {
  user.accounts = providers.map((provider) => ({
    userId: providerUserId[provider](user.login),
    provider,
    // Duo keeps the username part only; Okta and Entra use the full login.
    login: provider === 'DUO' ? (user.login.split('@')[0] ?? user.login) : user.login,
    email: user.emails[0] ?? null,
    status: accountStatus(provider, user.status),
    displayName: user.displayName,
    firstName: user.firstName,
    lastName: user.lastName,
    mfaEnabled:
      !user.failingChecks.includes('no-mfa') && (provider !== 'OKTA' || user.usedFactors.some((f) => f !== 'Password')),
    lastSignIn: user.signIns[0] ?? null,
    creationDate: user.firstCreatedDate,
    lastUpdated: minutesAgo(3 * DAY),
  }));
  user.referenceUrl = `https://dashboard.oort.io/users/${user.id}`;
}

function buildSeed(): SimUser[] {
  const users = rows.map((row, index) => {
    const user = buildUser(row, index);
    tweaks[row.local]?.(user);
    attachAccounts(user, row.providers);
    return user;
  });
  const service = serviceAccount();
  attachAccounts(service, [O]);
  return [...users, service];
}

export const seedUsers: readonly SimUser[] = buildSeed();

/** `PublicIntegrationStatus`: `status` is an ActivityResultType. */
export interface SimIntegrationStatus {
  integrationId: string;
  integrationName: string;
  status: 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAILURE' | 'TIMEOUT' | 'INFO' | 'STARTED' | 'BLOCKED' | 'NONE';
  date: string;
  error: string | null;
}

export const seedIntegrations: readonly SimIntegrationStatus[] = [
  { integrationId: 'int-duo-1', integrationName: 'Duo Security', status: 'SUCCESS', date: minutesAgo(50), error: null },
  { integrationId: 'int-okta-1', integrationName: 'Okta', status: 'SUCCESS', date: minutesAgo(55), error: null },
  {
    integrationId: 'int-entra-1',
    integrationName: 'Microsoft Entra ID',
    status: 'FAILURE',
    date: minutesAgo(26 * 60),
    error: 'Last sync failed: Microsoft Graph answered 429 Too Many Requests',
  },
];

export interface Seed {
  users: SimUser[];
  integrations: SimIntegrationStatus[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function shiftInstants<T>(value: T, deltaMs: number): T {
  if (typeof value === 'string' && ISO_INSTANT.test(value))
    return new Date(Date.parse(value) + deltaMs).toISOString() as T;
  if (Array.isArray(value)) return value.map((v: unknown) => shiftInstants(v, deltaMs)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftInstants(v, deltaMs)])) as T;
}

/**
 * The seed as of `now`: every instant in it keeps its distance to SEED_NOW but is measured from `now`, so sign-ins
 * read "2 minutes ago" on any day. Ids and everything else stay as in `seedUsers`.
 */
export function seedAsOf(now: Date): Seed {
  const delta = now.getTime() - Date.parse(SEED_NOW);
  return { users: shiftInstants([...seedUsers], delta), integrations: shiftInstants([...seedIntegrations], delta) };
}

/** The seeded user with this login (case-insensitive); throws when absent, to keep tests short. */
export function seedUser(login: string): SimUser {
  const user = seedUsers.find((u) => u.login.toLowerCase() === login.toLowerCase());
  if (!user) throw new Error(`no seeded user ${login}`);
  return user;
}
