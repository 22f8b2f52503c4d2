// GraphQL documents, one root field each (a failing root field nulls the whole `data`). Every selection
// lists exactly the fields of the matching schema in schemas.ts; test/cii/queries.test.ts keeps them in step.

const GEO = 'city state country';
const SIGN_IN = `timestamp result reason ipAddress location { ${GEO} }`;

export const PING = /* GraphQL */ `
  query Ping {
    ping
  }
`;

/** `getEndUserState` taking the login in `argument`: CII's schema says `login`; one rendering of its docs says `email`. */
export function endUserStateQuery(argument: string): string {
  return /* GraphQL */ `
  query GetEndUserState($login: String!) {
    getEndUserState(${argument}: $login) {
      id displayName login employeeId status userTypeClassification managerLogin
      ipAddresses { ipAddress location { ${GEO} } }
      phoneNumber usedFactors referenceUrl
      registeredLocationDetails { ${GEO} }
      workingLocationDetails { location { ${GEO} } userLocationPrevalence }
    }
  }`;
}

export const GET_END_USER_STATE = endUserStateQuery('login');

export const GET_END_USER = /* GraphQL */ `
  query GetEndUser($login: String!) {
    getEndUser(login: $login) {
      endUserDetails {
        id displayName login status emails linkedEndUserLogins company department title userTypeClassification groupNames
        managerLogin
        devices { deviceId displayName os lastSeen deviceType provider }
        mfaEnabled
        lastSignIn { ${SIGN_IN} }
        lastActive firstCreatedDate failingChecks referenceUrl
      }
      providerEndUserDetails {
        userId provider login email status displayName mfaEnabled
        lastSignIn { ${SIGN_IN} }
      }
    }
  }`;

export const GET_END_USERS_BY_IP = /* GraphQL */ `
  query GetEndUsersByIp($ipAddress: String!, $pageSize: Int, $pageToken: String) {
    getEndUsersByIp(ipAddress: $ipAddress, pageSize: $pageSize, pageToken: $pageToken) {
      items {
        id
        displayName
        login
        referenceUrl
      }
      pageToken
    }
  }
`;

export const GET_INTEGRATIONS_STATUS = /* GraphQL */ `
  query GetIntegrationsStatus {
    getIntegrationsStatus {
      integrationId
      integrationName
      status
      date
      error
    }
  }
`;

// Scalar variables in an inline input object: the document never names the input type, so it stays valid
// whatever CII calls that type (a misspelt variable type gets the whole document rejected).
export const REGISTER_WEBHOOK_WITH_API_KEY = /* GraphQL */ `
  mutation RegisterWebhookWithApiKey(
    $name: String!
    $endpoint: String!
    $apiKeyName: String!
    $apiKey: String!
    $checkIds: [String!]!
  ) {
    registerWebhookWithApiKey(
      input: { name: $name, endpoint: $endpoint, apiKeyName: $apiKeyName, apiKey: $apiKey, checkIds: $checkIds }
    )
  }
`;

export const UNREGISTER_WEBHOOK = /* GraphQL */ `
  mutation UnregisterWebhook($id: ID!) {
    unregisterWebhook(id: $id)
  }
`;
