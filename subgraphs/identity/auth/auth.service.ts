import type { EventBus } from '../../../platform/events/bus.js';
import { BadUserInputError, RateLimitedError, UnauthenticatedError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { AuditEventType } from '../audit/audit-event.type.js';
import {
  LOGIN_FAILED,
  loginFailedSchema,
  USER_REGISTERED,
  userRegisteredSchema,
  type LoginFailedEvent,
} from '../contract.js';
import type { AuditStore } from '../audit/audit.store.js';
import { hasPassword } from '../users/account-provisioning.js';
import { EmailTakenError, toUser, type UserDocument, type UserStore } from '../users/user.store.js';
import type { AuthPayload } from './auth-payload.type.js';
import { emailSchema, parseInput, registrationSchema } from './credentials.js';
import type { LoginMetrics } from './login-metrics.js';
import { throttleKeys, type LoginThrottle } from './login-throttle.js';
import type { HashPermit, PasswordHasher } from './password-hasher.js';
import { RefreshTokenError, type TokenService } from './token.service.js';

export { LOGIN_FAILED, USER_REGISTERED, type LoginFailedEvent } from '../contract.js';

/** Where a request came from, for the audit log. */
export interface RequestOrigin {
  ip?: string;
  requestId?: string;
}

const BAD_CREDENTIALS = 'Invalid email or password';

export class AuthService {
  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditStore,
    private readonly bus: EventBus,
    private readonly hasher: PasswordHasher,
    private readonly logger: Logger,
    private readonly metrics: LoginMetrics,
  ) {}

  async register(input: unknown, origin: RequestOrigin): Promise<AuthPayload> {
    const { email, password, name } = parseInput(registrationSchema, input);
    // Refused (RATE_LIMITED) before anything is stored when too many hashes are in line.
    const passwordHash = await this.admitHash().hash(password);
    let user;
    try {
      user = await this.users.insert({ email, name, roles: ['CUSTOMER'], passwordHash });
    } catch (error) {
      if (error instanceof EmailTakenError)
        throw new BadUserInputError('An account with this email already exists', 'email');
      throw error;
    }
    await this.audit.record({ type: AuditEventType.REGISTERED, userId: user._id.toHexString(), ...origin });
    await this.bus.publish(
      USER_REGISTERED,
      userRegisteredSchema.parse({ userId: user._id.toHexString(), roles: user.roles, at: user.createdAt }),
    );
    return { ...(await this.tokens.issue(user)), user: toUser(user) };
  }

  async login(rawEmail: string, password: string, origin: RequestOrigin): Promise<AuthPayload> {
    const email = parseInput(emailSchema, rawEmail);
    const keys = throttleKeys(email, origin.ip);
    // A place among the hashes first: when the server is saturated, nothing is counted against the client.
    const permit = this.admitHash();
    let checked: { user: UserDocument | null; valid: boolean };
    try {
      const admission = await this.throttle.admit(keys);
      if (!admission.allowed) {
        this.metrics.logins.inc({ outcome: admission.reason });
        await this.audit.record({ type: AuditEventType.LOGIN_THROTTLED, detail: email, ...origin });
        this.publishLoginFailed('throttled', origin);
        throw new RateLimitedError(
          `Too many failed logins; try again in ${admission.retryAfterSeconds} s`,
          admission.retryAfterSeconds,
        );
      }
      checked = await this.check(permit, email, String(password));
      if (!checked.valid) {
        await this.throttle.failed(keys);
        this.metrics.logins.inc({ outcome: 'bad_credentials' });
        await this.audit.record({
          type: AuditEventType.LOGIN_FAILED,
          userId: checked.user?._id.toHexString(),
          detail: admission.lockSeconds > 0 ? `${email} locked for ${admission.lockSeconds} s` : email,
          ...origin,
        });
        this.publishLoginFailed('bad_credentials', origin);
        throw new UnauthenticatedError(BAD_CREDENTIALS);
      }
    } finally {
      permit.release();
    }
    const user = checked.user!;
    await this.throttle.succeeded(keys);
    this.metrics.logins.inc({ outcome: 'success' });
    await this.audit.record({ type: AuditEventType.LOGIN_SUCCEEDED, userId: user._id.toHexString(), ...origin });
    return { ...(await this.tokens.issue(user)), user: toUser(user) };
  }

  /**
   * An unknown email costs the same hash as a wrong password, so timing does not reveal accounts;
   * so does an account provisioned without a password, which no password opens.
   */
  private async check(permit: HashPermit, email: string, password: string) {
    const user = await this.users.findByEmail(email);
    const valid =
      user && hasPassword(user)
        ? await permit.verify(password, user.passwordHash)
        : await this.hasher.verifyUnknown(permit, password);
    return { user, valid };
  }

  private admitHash(): HashPermit {
    try {
      return this.hasher.admit();
    } catch (error) {
      this.metrics.hashesRefused.inc();
      throw error;
    }
  }

  /** Fire and forget: a bus outage must not change what the caller is told. */
  private publishLoginFailed(reason: LoginFailedEvent['reason'], origin: RequestOrigin): void {
    const event = loginFailedSchema.parse({ reason, ip: origin.ip ?? null, at: new Date().toISOString() });
    this.bus
      .publish(LOGIN_FAILED, event)
      .catch((err: unknown) => this.logger.warn({ err }, 'login failure not published'));
  }

  async refresh(refreshToken: string, origin: RequestOrigin): Promise<AuthPayload> {
    let rotated;
    try {
      rotated = await this.tokens.rotate(String(refreshToken));
    } catch (error) {
      if (error instanceof RefreshTokenError && error.reason === 'reused') {
        this.logger.warn({ userId: error.userId, requestId: origin.requestId }, 'refresh token reuse: family revoked');
        await this.audit.record({ type: AuditEventType.REFRESH_TOKEN_REUSED, userId: error.userId, ...origin });
      }
      throw error;
    }
    const user = await this.users.findById(rotated.userId);
    if (!user) throw new UnauthenticatedError('Account no longer exists');
    await this.audit.record({ type: AuditEventType.TOKEN_REFRESHED, userId: rotated.userId, ...origin });
    return { ...(await this.tokens.issue(user, rotated.familyId)), user: toUser(user) };
  }

  async logout(refreshToken: string, origin: RequestOrigin): Promise<boolean> {
    const userId = await this.tokens.revoke(String(refreshToken));
    await this.audit.record({ type: AuditEventType.LOGGED_OUT, userId, ...origin });
    return true;
  }
}
