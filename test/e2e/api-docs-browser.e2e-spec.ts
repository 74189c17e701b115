import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { GatewayWithUsers, startGatewayWithUsers } from '../support/gateway-app';

/** Debian's chromium (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const available = fs.existsSync(CHROMIUM);

if (!available) {
  if (process.env.CI === 'true')
    throw new Error(`the browser test needs chromium at ${CHROMIUM} (.ci/run installs it)`);
  console.warn(`skipping the docs page browser test: no chromium at ${CHROMIUM}`);
}

(available ? describe : describe.skip)('the gateway docs page in a browser', () => {
  let system: GatewayWithUsers;
  let browser: Browser;

  beforeAll(async () => {
    system = await startGatewayWithUsers('api_docs_browser');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in a container has no user namespace for chromium's sandbox.
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('runs CreateUser from the page ("Try it out", Execute) and shows 200', async () => {
    const base = system.gateway.httpUrl;
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    try {
      await page.goto(`${base}/docs`);
      const operation = page.locator('#operations-ApiGateway-CreateUser');
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const email = `browser-${randomUUID()}@example.com`;
      await operation
        .locator('textarea.body-param__text')
        .fill(JSON.stringify({ name: 'Browser User', email }));
      await operation.getByRole('button', { name: 'Execute' }).click();

      const status = operation.locator('.live-responses-table .response .response-col_status');
      await status.first().waitFor({ timeout: 15000 });
      expect((await status.first().innerText()).trim()).toBe('200');
      const body = await operation
        .locator('.live-responses-table .response-col_description pre')
        .first()
        .innerText();
      const created = JSON.parse(body) as { user_id: string; status: string };

      // The user exists behind the gateway, not only on the page.
      const stored = await system.user.grpc.call('GetUser', { user_id: created.user_id });
      expect(stored).toMatchObject({ ok: true, response: { user: { email } } });
      // Everything the page loaded came from the gateway itself (no CDN, no online validator).
      expect(requested.filter((url) => !url.startsWith(base))).toEqual([]);
    } finally {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'docs-create-user.png'), fullPage: true });
      await page.close();
    }
  });
});
