import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FolderInUseError, lockFolder, probe, SOCKET_NAME, socketPath } from './folder-lock.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'playloop-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A socket file nobody listens on, as a process killed with -9 leaves it. */
function leaveStaleSocket(path: string) {
  execFileSync(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`,
  ]);
  expect(statSync(path).isSocket()).toBe(true);
}

it('lets one holder in, names it to the next, and frees the folder on release', async () => {
  const lock = await lockFolder(dir, 'server');
  expect(statSync(join(dir, SOCKET_NAME)).mode & 0o777).toBe(0o600);
  const refused = await lockFolder(dir, 'cli').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(FolderInUseError);
  expect((refused as FolderInUseError).holder).toMatchObject({ pid: process.pid, role: 'server' });
  expect((refused as Error).message).toContain(`a PlayLoop server (pid ${process.pid}`);

  const found = await probe(socketPath(dir));
  expect(found.state).toBe('held');
  if (found.state === 'held') {
    expect(found.holder).toMatchObject({ role: 'server', serving: false });
    found.socket.destroy();
  }
  await lock.release();
  expect(existsSync(join(dir, SOCKET_NAME))).toBe(false);
  expect((await probe(socketPath(dir))).state).toBe('free');
  const again = await lockFolder(dir, 'cli');
  await again.release();
});

it('takes over a socket left by a crashed process, exactly one of many racing for it', async () => {
  leaveStaleSocket(socketPath(dir));
  expect((await probe(socketPath(dir))).state).toBe('stale');
  const attempts = await Promise.allSettled(
    Array.from({ length: 6 }, (_, i) => lockFolder(dir, `racer-${i}`)),
  );
  const won = attempts.filter((a) => a.status === 'fulfilled');
  const lost = attempts.filter((a) => a.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(5);
  for (const loss of lost) expect(loss.reason).toBeInstanceOf(FolderInUseError);
  const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockFolder>>>).value;
  for (const loss of lost) {
    expect((loss.reason as FolderInUseError).holder?.role).toBe(winner.holder.role);
  }
  await winner.release();
});

it('refuses a data folder path too long for a socket, with a clear message', () => {
  const deep = join('/', 'x'.repeat(120));
  expect(() => socketPath(deep)).toThrow(/too long for its control socket/);
});
