import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// A local SMTP server that accepts every message and discards it: the campaign delivery row's
// receiving end. Run as its own process (bench/campaigns-bench.ts starts it), so its parsing does
// not share an event loop with the sender being measured. Prints `port <n>` once listening and,
// on each `count` line read from stdin, `count <messages accepted so far>`.

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  // The campaign sender and the bare loop keep a pool of connections open the whole run.
  maxClients: 1000,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      accepted += 1;
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo;
  process.stdout.write(`port ${port}\n`);
});

process.stdin.setEncoding('utf8');
let pending = '';
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  let newline = pending.indexOf('\n');
  while (newline >= 0) {
    if (pending.slice(0, newline).trim() === 'count') process.stdout.write(`count ${accepted}\n`);
    pending = pending.slice(newline + 1);
    newline = pending.indexOf('\n');
  }
});
// The benchmark closing our stdin (or dying) ends the sink.
process.stdin.on('end', () => server.close(() => process.exit(0)));
