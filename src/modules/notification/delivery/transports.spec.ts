import { quietLogger } from '../../../../test/support/quiet-logger';
import { ConfigLoader, StartupError } from '../../../toolkit/config';
import { notificationSettingsSection } from '../notification.settings';
import { createTransports, TransportsOwner } from './transports';

function settings(env: Record<string, string>) {
  return new ConfigLoader('NOTIFICATION_SERVICE', env).load(notificationSettingsSection);
}

const owner = (production: boolean, allowEmbedded: boolean): TransportsOwner => ({
  serviceName: 'notification-service',
  envPrefix: 'NOTIFICATION_SERVICE',
  production,
  allowEmbedded,
});

const backends = {
  NOTIFICATION_SERVICE_SMTP_HOST: 'smtp.example.test',
  NOTIFICATION_SERVICE_SMS_WEBHOOK_URL: 'http://sms.example.test/hook',
  NOTIFICATION_SERVICE_PUSH_WEBHOOK_URL: 'http://push.example.test/hook',
};

describe('notification transports and the embedded policy', () => {
  const logger = quietLogger('transports-spec');
  beforeEach(() => jest.spyOn(logger, 'log').mockImplementation(() => undefined));

  it('refuses the log transport in production, naming the variable to set', () => {
    const create = (): unknown => createTransports(settings({}), owner(true, false), logger);
    expect(create).toThrow(StartupError);
    expect(create).toThrow(
      'notification-service: NOTIFICATION_SERVICE_SMTP_HOST is not set, and the embedded log ' +
        'transport is refused in production; set NOTIFICATION_SERVICE_SMTP_HOST (or ' +
        'TOOLKIT_ALLOW_EMBEDDED=true to allow it)',
    );
  });

  it('names a missing webhook URL once the SMTP host is set', () => {
    const { NOTIFICATION_SERVICE_SMTP_HOST, NOTIFICATION_SERVICE_PUSH_WEBHOOK_URL } = backends;
    const env = { NOTIFICATION_SERVICE_SMTP_HOST, NOTIFICATION_SERVICE_PUSH_WEBHOOK_URL };
    expect(() => createTransports(settings(env), owner(true, false), logger)).toThrow(
      /set NOTIFICATION_SERVICE_SMS_WEBHOOK_URL/,
    );
  });

  it('uses the log transport in production when TOOLKIT_ALLOW_EMBEDDED=true', () => {
    const transports = createTransports(settings({}), owner(true, true), logger);
    expect(transports.email).toBe(transports.sms);
    expect(transports.email.description).toMatch(/log/i);
  });

  it('uses the log transport outside production', () => {
    const transports = createTransports(settings({}), owner(false, false), logger);
    expect(transports.push.description).toMatch(/log/i);
  });

  it('starts in production with every backend set', () => {
    const transports = createTransports(settings(backends), owner(true, false), logger);
    expect(transports.email.description).toMatch(/smtp/i);
    expect(transports.sms.description).not.toMatch(/log/i);
  });
});
