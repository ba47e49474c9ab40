import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  addressRule,
  checkOutboundUrl,
  type HostResolver,
  OutboundUrlError,
  parseOutboundUrl,
  pinnedLookup,
} from './outbound-url.ts';

const strict = { allowPrivateNetworks: false };
const open = { allowPrivateNetworks: true };

/** A resolver answering from a fixed table; unknown names fail like getaddrinfo does. */
function table(entries: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string) => {
    calls.push(hostname);
    const answers = entries[hostname];
    if (!answers)
      return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(
      answers.map((address) => ({
        address,
        family: address.includes(':') ? (6 as const) : (4 as const),
      })),
    );
  };
  return Object.assign(resolve, { calls });
}

function ruleOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof OutboundUrlError) return error.rule;
    throw error;
  }
  return 'accepted';
}

async function asyncRuleOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundUrlError) return error.rule;
    throw error;
  }
  return 'accepted';
}

describe('parseOutboundUrl', () => {
  it.each([
    ['ftp://example.com/hook', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'invalid_url'],
    ['/relative/path', 'invalid_url'],
    ['https://user:secret@example.com/hook', 'credentials'],
    ['https://user@example.com/hook', 'credentials'],
    ['http://example.com:0/hook', 'port'],
    ['http://example.com:99999/hook', 'invalid_url'],
    [`https://example.com/${'a'.repeat(2100)}`, 'invalid_url'],
  ])('refuses %s (%s)', (url, rule) => {
    expect(ruleOf(() => parseOutboundUrl(url, strict))).toBe(rule);
  });

  it.each([
    // loopback in every spelling WHATWG URL normalizes to 127.0.0.1
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.255.255.254:8080/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    // IPv6 forms carrying a private IPv4
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'loopback'],
    ['http://[::ffff:0:10.0.0.1]/', 'private'],
    ['http://[64:ff9b::10.0.0.1]/', 'private'],
    ['http://[64:ff9b::192.168.1.1]/', 'private'],
    ['http://[64:ff9b:1::a9fe:a9fe]/', 'metadata'],
    ['http://[2002:a00:1::]/', 'private'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    // private, link-local, metadata, CGNAT
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.0.10/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://169.254.170.2/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://100.100.100.200/', 'metadata'],
    ['http://169.254.1.1/', 'link_local'],
    ['http://[fe80::1]/', 'link_local'],
    ['http://100.64.0.1/', 'carrier_grade_nat'],
    ['http://100.127.255.254/', 'carrier_grade_nat'],
    ['http://[fc00::1]/', 'unique_local'],
    ['http://[fdff:ffff::1]/', 'unique_local'],
    // unspecified, multicast, broadcast, reserved
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://0.1.2.3/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.1/', 'reserved'],
    ['http://[2001:db8::1]/', 'reserved'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'tunnel'],
    // names
    ['http://localhost/', 'localhost'],
    ['http://LOCALHOST./', 'localhost'],
    ['http://api.localhost:3000/', 'localhost'],
  ])('refuses %s as %s', (url, rule) => {
    expect(ruleOf(() => parseOutboundUrl(url, strict))).toBe(rule);
  });

  it('names the refused address and its rule in the message', () => {
    expect(() => parseOutboundUrl('http://[::ffff:10.1.2.3]/x', strict)).toThrow(
      'URL refused: ::ffff:a01:203 is a private network address',
    );
  });

  it('accepts public addresses and names with any port', () => {
    for (const url of [
      'https://hooks.example.com/dailyplay',
      'http://93.184.215.14:8080/x?y=1',
      'https://[2606:4700:4700::1111]/',
      'http://[::ffff:93.184.215.14]/',
      'https://[64:ff9b::8.8.8.8]/',
    ]) {
      expect(parseOutboundUrl(url, strict).href).toBe(new URL(url).href);
    }
  });

  it('refuses http when https is required, and only then', () => {
    expect(
      ruleOf(() => parseOutboundUrl('http://hooks.zapier.com/x', { ...strict, httpsOnly: true })),
    ).toBe('https_required');
    expect(
      ruleOf(() => parseOutboundUrl('https://hooks.zapier.com/x', { ...strict, httpsOnly: true })),
    ).toBe('accepted');
  });

  it('lets private networks through when allowed, but never metadata, multicast or unspecified', () => {
    for (const url of [
      'http://127.0.0.1:3000/',
      'http://localhost:3000/',
      'http://10.1.2.3/',
      'http://[::1]/',
      'http://[fd12::1]/',
      'http://100.64.1.1/',
    ]) {
      expect(ruleOf(() => parseOutboundUrl(url, open))).toBe('accepted');
    }
    expect(ruleOf(() => parseOutboundUrl('http://169.254.169.254/', open))).toBe('metadata');
    expect(ruleOf(() => parseOutboundUrl('http://0.0.0.0/', open))).toBe('unspecified');
    expect(ruleOf(() => parseOutboundUrl('http://224.0.0.1/', open))).toBe('multicast');
  });

  it('answers as a 400-class validation error with the rule in details', () => {
    try {
      parseOutboundUrl('http://10.0.0.1/', strict);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OutboundUrlError);
      expect((error as OutboundUrlError).code).toBe('validation_failed');
      expect((error as OutboundUrlError).details).toEqual({ rule: 'private' });
    }
  });
});

describe('addressRule', () => {
  it('classifies resolver answers, IPv4-compatible IPv6 included', () => {
    expect(addressRule('8.8.8.8')).toBeNull();
    expect(addressRule('2606:4700::1')).toBeNull();
    expect(addressRule('::7f00:1')).toBe('loopback');
    expect(addressRule('::a00:1')).toBe('private');
    expect(addressRule('::ffff:c0a8:101')).toBe('private');
  });
});

describe('checkOutboundUrl', () => {
  it('refuses a name that resolves to a private address', async () => {
    const resolve = table({ 'internal.example.com': ['10.0.0.5'] });
    await expect(
      checkOutboundUrl('https://internal.example.com/hook', { ...strict, resolve }),
    ).rejects.toThrow(
      'URL refused: internal.example.com resolves to 10.0.0.5, which is a private network address',
    );
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const resolve = table({
      'mixed.example.com': ['93.184.215.14', '2606:4700::1', '::ffff:169.254.169.254'],
    });
    expect(
      await asyncRuleOf(checkOutboundUrl('https://mixed.example.com/', { ...strict, resolve })),
    ).toBe('metadata');
  });

  it.each([
    ['rebind.example.com', ['127.0.0.1'], 'loopback'],
    ['v6.example.com', ['::1'], 'loopback'],
    ['metadata.example.com', ['169.254.169.254'], 'metadata'],
    ['nat64.example.com', ['64:ff9b::7f00:1'], 'loopback'],
    ['cgnat.example.com', ['100.64.3.4'], 'carrier_grade_nat'],
    ['ula.example.com', ['fd00::7'], 'unique_local'],
  ])('refuses %s resolving to %s', async (name, answers, rule) => {
    const resolve = table({ [name]: answers });
    expect(await asyncRuleOf(checkOutboundUrl(`https://${name}/`, { ...strict, resolve }))).toBe(
      rule,
    );
  });

  it('refuses a name that does not resolve, saying so', async () => {
    const resolve = table({});
    await expect(
      checkOutboundUrl('https://nowhere.example/', { ...strict, resolve }),
    ).rejects.toThrow('URL refused: nowhere.example does not resolve (ENOTFOUND)');
  });

  it('returns every checked address of a public name, and does not resolve IP literals', async () => {
    const resolve = table({
      'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    });
    const checked = await checkOutboundUrl('https://hooks.example.com/x', { ...strict, resolve });
    expect(checked.hostname).toBe('hooks.example.com');
    expect(checked.addresses.map((a) => a.address)).toEqual([
      '93.184.215.14',
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    ]);
    const literal = await checkOutboundUrl('http://[::ffff:93.184.215.14]:81/', {
      ...strict,
      resolve,
    });
    expect(literal.addresses).toEqual([{ address: '::ffff:5db8:d70e', family: 6 }]);
    expect(resolve.calls).toEqual(['hooks.example.com']);
  });
});

describe('pinnedLookup', () => {
  it('connects to the checked address without asking DNS again (rebinding defeated)', async () => {
    const server = createServer((_req, res) => res.end('pinned'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // First answer (the check) is loopback; any later answer would be TEST-NET, unroutable.
      let calls = 0;
      const resolve: HostResolver = () => {
        calls += 1;
        return Promise.resolve([{ address: calls === 1 ? '127.0.0.1' : '192.0.2.1', family: 4 }]);
      };
      const checked = await checkOutboundUrl(`http://rebinding.test:${port}/`, {
        ...open,
        resolve,
      });
      const body = await new Promise<string>((done, fail) => {
        const req = request(
          { host: 'rebinding.test', port, path: '/', lookup: pinnedLookup(checked), agent: false },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => done(text));
          },
        );
        req.on('error', fail);
        req.end();
      });
      expect(body).toBe('pinned');
      expect(calls).toBe(1);
    } finally {
      server.close();
    }
  });

  it('refuses a host it was not checked for', async () => {
    const checked = await checkOutboundUrl('http://127.0.0.1/', open);
    const error = await new Promise<NodeJS.ErrnoException | null>((done) =>
      pinnedLookup(checked)('other.example', { all: true }, (err) => done(err)),
    );
    expect(error?.code).toBe('ENOTFOUND');
  });
});
