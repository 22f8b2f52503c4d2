// What the cards read of CII's answers. Views depend on these shapes, not on the CII client: the client's
// parsed answers fit them, and a view test builds them without knowing the client.

/** CII answers null for absent optional fields. */
type Maybe<T> = T | null | undefined;

export interface GeoLocation {
  city?: Maybe<string>;
  state?: Maybe<string>;
  country?: Maybe<string>;
}

export interface SignInInfo {
  timestamp: string;
  result?: Maybe<string>;
  reason?: Maybe<string>;
  ipAddress?: Maybe<string>;
  location?: Maybe<GeoLocation>;
}

export interface Device {
  deviceId: string;
  displayName?: Maybe<string>;
  os?: Maybe<string>;
  lastSeen?: Maybe<string>;
  deviceType?: Maybe<string>;
  provider?: Maybe<string>;
}

export interface EndUserState {
  displayName: string;
  login: string;
  status: string;
  userTypeClassification?: Maybe<string>;
  managerLogin?: Maybe<string>;
  usedFactors?: Maybe<string[]>;
  referenceUrl?: Maybe<string>;
  ipAddresses?: Maybe<Array<{ ipAddress: string; location?: Maybe<GeoLocation> }>>;
  registeredLocationDetails?: Maybe<GeoLocation>;
  workingLocationDetails?: Maybe<Array<{ location: GeoLocation; userLocationPrevalence: number }>>;
}

export interface ProviderAccount {
  userId: string;
  provider: string;
  login: string;
  email?: Maybe<string>;
  status: string;
  displayName?: Maybe<string>;
  mfaEnabled?: Maybe<boolean>;
  lastSignIn?: Maybe<SignInInfo>;
}

export interface EndUser {
  endUserDetails: {
    login: string;
    displayName?: Maybe<string>;
    status: string;
    emails?: Maybe<string[]>;
    company?: Maybe<string>;
    department?: Maybe<string>;
    title?: Maybe<string>;
    userTypeClassification?: Maybe<string>;
    groupNames?: Maybe<string[]>;
    managerLogin?: Maybe<string>;
    devices?: Maybe<Device[]>;
    mfaEnabled?: Maybe<boolean>;
    lastSignIn?: Maybe<SignInInfo>;
    lastActive?: Maybe<string>;
    firstCreatedDate?: Maybe<string>;
    failingChecks?: Maybe<string[]>;
    referenceUrl: string;
  };
  providerEndUserDetails: ProviderAccount[];
}

export interface EndUserRef {
  displayName?: Maybe<string>;
  login: string;
  referenceUrl?: Maybe<string>;
}

export interface EndUsersByIp {
  users: EndUserRef[];
  /** True when more users exist than were fetched. */
  truncated: boolean;
}

export interface IntegrationStatus {
  integrationId: string;
  integrationName: string;
  status: string;
  date: string;
  error?: Maybe<string>;
}
