import { errorCode, type GraphQLErrorShape } from '../simulator/gateway-client.js';
import { sendWithRetry, type SendContext } from '../simulator/send.js';

/**
 * Who provisions a fleet from a script: a B2B API key with the fleet:provision scope (sent as
 * `x-api-key`), or an admin account, signed in once and again when its access token expires.
 * Either is read from the flags or the environment (CLUTCH_API_KEY; ADMIN_EMAIL and ADMIN_PASSWORD,
 * the variables the server creates its first admin from).
 */
export type FleetCredentials = { apiKey: string } | { email: string; password: string };

export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

export function credentialsFrom(
  given: { apiKey?: string; adminEmail?: string; adminPassword?: string },
  env: NodeJS.ProcessEnv = process.env,
): FleetCredentials {
  const apiKey = given.apiKey ?? env.CLUTCH_API_KEY;
  if (apiKey) return { apiKey };
  const email = given.adminEmail ?? env.ADMIN_EMAIL;
  const password = given.adminPassword ?? env.ADMIN_PASSWORD;
  if (email && password) return { email, password };
  throw new CredentialsError(
    'setting up a fleet needs an admin or an API key with the fleet:provision scope: pass --api-key (or set ' +
      'CLUTCH_API_KEY), or set ADMIN_EMAIL and ADMIN_PASSWORD (the admin that `npm start` creates from them)',
  );
}

const LOGIN = `mutation FleetScriptLogin($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken }
}`;

/** The credential to send: the API key as is, or an admin access token (signed in when needed). */
export class Authorizer {
  private token: string | null = null;

  constructor(
    private readonly ctx: SendContext,
    private readonly credentials: FleetCredentials,
  ) {}

  /** `ck_…` (the gateway client sends it as x-api-key) or an access token. */
  async credential(): Promise<string> {
    if ('apiKey' in this.credentials) return this.credentials.apiKey;
    this.token ??= await this.signIn();
    return this.token;
  }

  /** After UNAUTHENTICATED: true when signing in again may help (an access token that expired). */
  renew(): boolean {
    if ('apiKey' in this.credentials || this.token === null) return false;
    this.token = null;
    return true;
  }

  private async signIn(): Promise<string> {
    const { email, password } = this.credentials as { email: string; password: string };
    const [result] = await sendWithRetry(this.ctx, [{ query: LOGIN, variables: { email, password } }]);
    const token = (result.data as { login?: { accessToken: string } } | null | undefined)?.login?.accessToken;
    if (!token) throw new CredentialsError(`signing in as ${email} failed: ${describe(result.errors?.[0])}`);
    return token;
  }
}

const describe = (error: GraphQLErrorShape | undefined) =>
  error ? `${errorCode(error)}: ${error.message}` : 'no answer';
