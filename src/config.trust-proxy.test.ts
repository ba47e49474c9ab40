import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const trustProxy = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }).trustProxy;

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default: the socket address is the client', () => {
    expect(trustProxy(undefined)).toBe(false);
    for (const off of ['', 'false', 'FALSE', 'no', 'off', '0']) expect(trustProxy(off)).toBe(false);
  });

  it('refuses true with an explanation of the alternatives', () => {
    for (const on of ['true', 'True', 'yes', 'on']) {
      expect(() => trustProxy(on)).toThrow(ConfigError);
    }
    expect(() => trustProxy('true')).toThrow(/choose its own IP.*TRUST_PROXY=1.*10\.0\.0\.0\/8/s);
  });

  it('takes a hop count from 1 to 10', () => {
    expect(trustProxy('1')).toEqual({ hops: 1 });
    expect(trustProxy(' 10 ')).toEqual({ hops: 10 });
    expect(() => trustProxy('11')).toThrow(/hop count must be from 1 to 10/);
    expect(() => trustProxy('-1')).toThrow(ConfigError);
    expect(() => trustProxy('1.5')).toThrow(ConfigError);
  });

  it('takes a comma-separated list of IPv4/IPv6 addresses and CIDRs', () => {
    expect(trustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8,192.168.1.0/24')).toEqual({
      proxies: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', '192.168.1.0/24'],
    });
    expect(trustProxy('2001:DB8::1/128')).toEqual({ proxies: ['2001:db8::1/128'] });
  });

  it.each([
    ['a name', 'loadbalancer.internal'],
    ['a half address', '10.0.0'],
    ['an empty entry', '10.0.0.1,,127.0.0.1'],
    ['an IPv4 prefix past 32', '10.0.0.0/33'],
    ['an IPv6 prefix past 128', '::1/129'],
    ['a /0, which would trust everyone', '0.0.0.0/0'],
    ['an IPv6 /0', '::/0'],
    ['a netmask instead of a prefix', '10.0.0.0/255.0.0.0'],
    ['two slashes', '10.0.0.0/8/8'],
    ['a port', '10.0.0.1:8080'],
  ])('refuses %s in the list', (_what, value) => {
    expect(() => trustProxy(value)).toThrow(ConfigError);
    expect(() => trustProxy(value)).toThrow(/comma-separated list of proxy IP addresses\/CIDRs/);
  });
});
