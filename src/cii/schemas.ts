import { z } from 'zod';

// GraphQL answers null for absent optional fields: every optional field accepts null or absence.
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

const geoLocationSchema = z.object({
  city: opt(z.string()),
  state: opt(z.string()),
  country: opt(z.string()),
});

const signInInfoSchema = z.object({
  timestamp: z.string(),
  result: opt(z.string()),
  reason: opt(z.string()),
  ipAddress: opt(z.string()),
  location: opt(geoLocationSchema),
});

const deviceSchema = z.object({
  deviceId: z.string(),
  displayName: opt(z.string()),
  os: opt(z.string()),
  lastSeen: opt(z.string()),
  deviceType: opt(z.string()),
  provider: opt(z.string()),
});

export const endUserStateSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  login: z.string(),
  employeeId: opt(z.array(z.string())),
  status: z.string(),
  userTypeClassification: opt(z.string()),
  managerLogin: opt(z.string()),
  ipAddresses: opt(z.array(z.object({ ipAddress: z.string(), location: opt(geoLocationSchema) }))),
  phoneNumber: opt(z.string()),
  usedFactors: opt(z.array(z.string())),
  referenceUrl: opt(z.string()),
  registeredLocationDetails: opt(geoLocationSchema),
  workingLocationDetails: opt(z.array(z.object({ location: geoLocationSchema, userLocationPrevalence: z.number() }))),
});

const endUserDetailsSchema = z.object({
  id: z.string(),
  displayName: opt(z.string()),
  login: z.string(),
  status: z.string(),
  emails: opt(z.array(z.string())),
  linkedEndUserLogins: opt(z.array(z.string())),
  company: opt(z.string()),
  department: opt(z.string()),
  title: opt(z.string()),
  userTypeClassification: opt(z.string()),
  groupNames: opt(z.array(z.string())),
  managerLogin: opt(z.string()),
  devices: opt(z.array(deviceSchema)),
  mfaEnabled: opt(z.boolean()),
  lastSignIn: opt(signInInfoSchema),
  lastActive: opt(z.string()),
  firstCreatedDate: opt(z.string()),
  failingChecks: opt(z.array(z.string())),
  referenceUrl: z.string(),
});

const providerAccountSchema = z.object({
  userId: z.string(),
  provider: z.string(),
  login: z.string(),
  email: opt(z.string()),
  status: z.string(),
  displayName: opt(z.string()),
  mfaEnabled: opt(z.boolean()),
  lastSignIn: opt(signInInfoSchema),
});

export const endUserSchema = z.object({
  endUserDetails: endUserDetailsSchema,
  providerEndUserDetails: z.array(providerAccountSchema),
});

export const endUserRefSchema = z.object({
  id: z.string(),
  displayName: opt(z.string()),
  login: z.string(),
  referenceUrl: opt(z.string()),
});

export const endUsersByIpPageSchema = z.object({
  items: z.array(endUserRefSchema),
  pageToken: opt(z.string()),
});

// `PublicIntegrationStatus` of the 09/2024 schema (dropped from CII's docs later). `status` is the
// ActivityResultType enum, read as a string so a value added later is shown rather than refused.
export const integrationStatusSchema = z.object({
  integrationId: z.string(),
  integrationName: z.string(),
  status: z.string(),
  date: z.string(),
  error: opt(z.string()),
});

export type EndUserState = z.infer<typeof endUserStateSchema>;
export type EndUser = z.infer<typeof endUserSchema>;
export type EndUserRef = z.infer<typeof endUserRefSchema>;
export type IntegrationStatus = z.infer<typeof integrationStatusSchema>;

/** The users seen on one IP address, followed across pages up to a cap. */
export interface EndUsersByIp {
  users: EndUserRef[];
  /** True when more users exist than were fetched (the page cap was reached). */
  truncated: boolean;
}
