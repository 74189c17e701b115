// Quiet logs in e2e suites unless a run asks for them (TEST_LOG_LEVEL=debug).
const level = process.env.TEST_LOG_LEVEL ?? 'silent';
for (const prefix of [
  'USER_SERVICE',
  'NOTIFICATION_SERVICE',
  'CHAT_SERVICE',
  'API_GATEWAY',
  'ECHO_SERVICE',
]) {
  process.env[`${prefix}_LOG_LEVEL`] ??= level;
}
