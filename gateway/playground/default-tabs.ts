/**
 * The playground's first tabs: one example per thing admins come for. Shared by the browser
 * bundle and a unit test that validates each operation against the public supergraph, so a
 * renamed field breaks the build rather than the admins' first click.
 */
export interface PlaygroundTab {
  query: string;
  variables?: string;
  headers?: string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const SIGN_IN = `# Sign in, then copy accessToken into the Headers editor below, as
#   { "Authorization": "Bearer <accessToken>" }
# Queries, mutations and subscriptions (over graphql-ws) all use those headers.
mutation SignIn($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken
    accessTokenExpiresAt
    user {
      id
      email
      roles
    }
  }
}
`;

export const LIVE_TELEMETRY = `# Streams a vehicle's readings as its OBD device uploads them (graphql-ws).
# Needs the owner's token, or a staff or admin token, in Headers.
subscription LiveTelemetry($vehicleId: ID!) {
  vehicleTelemetry(vehicleId: $vehicleId) {
    recordedAt
    readings {
      pid
      name
      value
      unit
    }
    vehicle {
      vin
    }
  }
}
`;

export const DECISIONS = `# The operations team's decisions, newest first (staff and admins).
query Decisions($first: Int, $after: String) {
  decisions(first: $first, after: $after) {
    totalCount
    edges {
      node {
        id
        status
        action
        reasoning
        member {
          name
          role
        }
        createdAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

export const DEFAULT_TABS: PlaygroundTab[] = [
  { query: SIGN_IN, variables: json({ email: '', password: '' }) },
  { query: LIVE_TELEMETRY, variables: json({ vehicleId: '' }) },
  { query: DECISIONS, variables: json({ first: 10 }) },
];
