import { buildApp } from './app.ts';
import { startBackground } from './background.ts';
import { cliControl } from './cli/control.ts';
import { ConfigError, loadConfig } from './config.ts';
import { FolderInUseError } from './db/folder-lock.ts';
import { migrate } from './db/migrate.ts';
import { type DemoSeed, seedDemo } from './db/seed.ts';
import { closeDeps, createDeps } from './deps.ts';
import { applyQuotaDefaults } from './modules/properties/index.ts';

function printDemo(seed: DemoSeed, baseUrl: string): void {
  // Printed to stdout on purpose, once: the only time these secrets exist in clear.
  const lines = [
    '',
    '  PlayLoop demo data (shown once, on the first start):',
    `    organization id  ${seed.orgId} (slug "demo")`,
    `    login            ${seed.email} / ${seed.password}`,
    `    dashboard        ${baseUrl}/app (log in with the login above)`,
    `    game id          ${seed.gameId}, stream id ${seed.streamId}`,
    `    API key          ${seed.apiKey}`,
    `    playable link    ${seed.playUrl}`,
    `    public stream    ${seed.streamUrl}`,
    `    property         ${seed.propertyId} ("${seed.propertyName}", ${seed.propertyTimezone}), ${seed.players} sample players`,
    `    PlayerOS key     ${seed.propertyKey}`,
    '',
    '  Log in:',
    `    curl -s -X POST ${baseUrl}/api/auth/login -H 'Content-Type: application/json' \\`,
    `      -d '{"email":"${seed.email}","password":"${seed.password}"}'`,
    '  Create a one-time session:',
    `    curl -s -X POST '${baseUrl}/api/org-api-keys?action=create-session' \\`,
    `      -H 'Content-Type: application/json' -H 'x-api-key: ${seed.apiKey}' -d '{"game_id":${seed.gameId}}'`,
    '  PlayerOS quickstart (active players, newest first):',
    `    curl -s '${baseUrl}/api/players?status.eq=active&order=created_at.desc&limit=25' \\`,
    `      -H 'x-api-key: ${seed.propertyKey}'`,
    '  Send the demo campaign (an email with a one-time game link; without SMTP_URL the',
    '  messages are stored, read them at /api/messages):',
    `    curl -s -X POST ${baseUrl}/api/functions/send-campaign -H 'Content-Type: application/json' \\`,
    `      -H 'x-api-key: ${seed.propertyKey}' -H 'Idempotency-Key: demo-send-1' \\`,
    `      -d '{"campaignId":"${seed.campaignId}","propertyId":"${seed.propertyId}"}'`,
    '  A player who plays their link is followed up an hour later by the live journey',
    '  "Demo: after the spin" (prize or consolation, each mail with a new link):',
    `    curl -s ${baseUrl}/api/journeys/${seed.journeyId}/stats -H 'x-api-key: ${seed.propertyKey}'`,
    `  API reference: ${baseUrl}/docs`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const deps = await createDeps(config);
  const applied = await migrate(deps.database);
  if (applied.length > 0) deps.logger.info({ applied }, 'migrations applied');
  // The install default storage quota lives in the database, where the quota triggers read it.
  await applyQuotaDefaults(deps.database, config);
  const app = await buildApp(deps);
  // On an embedded database, `npm run cli` sends its commands here instead of opening the folder.
  const control = cliControl(deps);
  deps.database.folder?.serve(control.handler);
  // Before listening: a request may send a job as soon as it is answered.
  const background = await startBackground(deps);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    deps.logger.info({ signal }, 'shutting down');
    // Requests first (they may send jobs), then the workers' grace period, then the rest.
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 10_000);
    force.unref();
    void app
      .close()
      .then(() => control.drain())
      .then(() => background.stop())
      .then(() => closeDeps(deps))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const seed = config.seedDemo ? await seedDemo(deps) : undefined;
  if (seed) printDemo(seed, config.publicUrl);
  deps.logger.info(
    {
      url: config.publicUrl,
      database: deps.database.kind,
      redis: Boolean(deps.redis),
      workers: background.working,
    },
    'PlayLoop is listening',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error: ${error.message}\n`);
  } else if (error instanceof FolderInUseError) {
    process.stderr.write(`PlayLoop cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`PlayLoop failed to start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
