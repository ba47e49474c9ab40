import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = new URL('../scripts/check-node.mjs', import.meta.url).pathname;

/** Runs the check as npm would, with the running Node version replaced by `version`. */
async function check(version?: string): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env };
  delete env.PLAYLOOP_CHECK_NODE_VERSION;
  if (version !== undefined) env.PLAYLOOP_CHECK_NODE_VERSION = version;
  try {
    const { stderr } = await run(process.execPath, [script], { env });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('the Node version check', () => {
  it('stops an older Node with one line saying which Node is needed and how to get it', async () => {
    for (const version of ['20.11.1', 'v18.19.0', '22.17.1']) {
      const { code, stderr } = await check(version);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `PlayLoop needs Node 22.18 or newer (24 LTS recommended): this is Node ${version}. ` +
          'Install it from https://nodejs.org/en/download (or `nvm install 24`), then run the command again.\n',
      );
    }
  });

  it('lets Node 22.18 and newer through silently', async () => {
    for (const version of ['22.18.0', '22.20.1', '23.0.0', '24.11.0', undefined]) {
      expect(await check(version)).toEqual({ code: 0, stderr: '' });
    }
  });

  it('runs before npm start, the worker, the CLI and migrations', () => {
    const { scripts } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { scripts: Record<string, string> };
    for (const name of ['preworker', 'precli', 'predb:migrate']) {
      expect(scripts[name]).toBe('node scripts/check-node.mjs');
    }
    // npm start builds the dashboard after the check, so an old Node hears what is wrong first.
    expect(scripts['prestart']).toBe('node scripts/check-node.mjs && node scripts/build-web.mjs');
  });
});
