import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startWeir, type WeirProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

// The dashboard in a real headless Chromium: Debian's package, driven by playwright-core (which
// downloads no browser). Runs bin/weir.js, so `npm run build` first (npm test does).
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'dashboard');

let dir: string;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    execFileSync('bash', [join(REPO_ROOT, 'scripts', 'install-chromium.sh')], { stdio: 'inherit' });
  }
  dir = await mkdtemp(join(tmpdir(), 'weir-dashboard-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`dashboard screenshot: ${path}`);
}

const rowCount = (page: Page, selector: string) => page.locator(selector).count();

describe('the dashboard of a running job', () => {
  it('shows the graph and growing checkpoint history, takes a savepoint and cancels from its buttons', async () => {
    const script = join(dir, 'orders.sql');
    await writeFile(
      script,
      `SET 'parallelism.default' = '2';
       SET 'execution.checkpointing.interval' = '300ms';
       SET 'properties.sasl.jaas.config' = 'secret-jaas-value';
       CREATE TABLE orders (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '500',
         'fields.amount.min' = '1', 'fields.amount.max' = '100');
       CREATE TABLE totals (bucket INT, n BIGINT) WITH ('connector' = 'blackhole');
       INSERT INTO totals SELECT amount % 10, COUNT(*) FROM orders WHERE amount > 20 GROUP BY amount % 10;\n`,
    );
    const run: WeirProcess = startWeir([
      'run',
      '-f',
      script,
      '-D',
      `state.checkpoints.dir=${join(dir, 'checkpoints')}`,
    ]);
    try {
      const rest = await waitFor(() => /REST API at (\S+)/.exec(run.stderr)?.[1], { what: 'REST address' });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${rest}/`);
      await page.locator('[data-testid=job-row] a').first().click();

      // The graph: two chains (the source with its filter, the aggregate with the sink), every operator named.
      await page.locator('[data-testid=graph]').waitFor();
      await waitFor(async () => (await rowCount(page, '[data-testid=chain]')) === 2, { what: 'two chains' });
      const operators = await page.locator('[data-testid=operator]').allTextContents();
      expect(operators.some((o) => o.includes('TableSourceScan'))).toBe(true);
      expect(operators.some((o) => o.includes('Calc'))).toBe(true);
      expect(operators.some((o) => o.includes('GroupAggregate'))).toBe(true);
      expect(operators.some((o) => o.includes('Sink'))).toBe(true);
      expect(await page.locator('[data-testid=graph]').textContent()).toContain('Parallelism 2');
      // Records flow: the vertex table counts them.
      await waitFor(
        async () => {
          const cells = await page
            .locator('[data-testid=vertex-row]')
            .first()
            .locator('td')
            .allTextContents();
          return cells[3] !== '0' && cells[3] !== '–';
        },
        { what: 'records out of the source in the vertex table' },
      );
      // Subtasks of one operator, after a click.
      await page.locator('[data-testid=operator]', { hasText: 'GroupAggregate' }).click();
      await waitFor(async () => (await rowCount(page, '[data-testid=subtask-row]')) === 2, {
        what: 'two subtasks',
      });
      // Bytes cross the exchange between the filter and the aggregate: both tables show them.
      await waitFor(
        async () => {
          const cells = await page
            .locator('[data-testid=vertex-row]', { hasText: 'Calc' })
            .first()
            .locator('td')
            .allTextContents();
          return /^[1-9][\d.]* (B|KiB|MiB)$/.test(cells[5] ?? '');
        },
        { what: 'bytes out of the filter in the vertex table' },
      );
      await waitFor(
        async () =>
          (await page.locator('[data-testid=subtask-row] [data-testid=bytes-in]').allTextContents()).some(
            (t) => /^[1-9][\d.]* (B|KiB|MiB)$/.test(t),
          ),
        { what: 'bytes into the aggregate subtasks' },
      );

      // The checkpoint table grows while the page is open.
      const first = await waitFor(
        async () => rowCount(page, '[data-testid=checkpoint-row][data-status=COMPLETED]'),
        {
          what: 'a completed checkpoint in the table',
        },
      );
      await waitFor(
        async () =>
          (await rowCount(page, '[data-testid=checkpoint-row][data-status=COMPLETED]')) >= first + 2,
        { what: 'the checkpoint table to grow' },
      );
      await page.locator('[data-testid=checkpoint-chart] canvas').first().waitFor();
      // The configuration is shown with the secret masked.
      const config = await page.locator('[data-testid=config-table]').textContent();
      expect(config).toContain('******');
      expect(config).not.toContain('secret-jaas-value');
      await screenshot(page, 'job-page');

      // A savepoint from the button, into a directory typed in the page.
      const savepoints = join(dir, 'savepoints');
      await page.locator('[data-testid=savepoint-dir]').fill(savepoints);
      await page.locator('[data-testid=btn-savepoint]').click();
      const status = page.locator('[data-testid=action-status][data-kind=done]');
      await status.waitFor({ timeout: 20_000 });
      expect(await status.textContent()).toContain(savepoints);
      const [savepoint] = await readdir(savepoints);
      expect(savepoint).toMatch(/^savepoint-/);
      await waitFor(
        async () =>
          (await page.locator('[data-testid=checkpoint-table]').textContent())?.includes('savepoint'),
        {
          what: 'the savepoint in the checkpoint history',
        },
      );
      await screenshot(page, 'after-savepoint');

      // Cancel from the button: the foreground `weir run` ends with its job.
      await page.locator('[data-testid=btn-cancel]').click();
      expect(await run.exit).toBe(0);
      expect(run.stderr).toMatch(/Job [0-9a-f]{32} was cancelled/);
      await page.close();
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 120_000);
});
