import { describe, expect, it } from 'vitest';
import { accountSubject, ipSubject } from './throttle.ts';

describe('ipSubject', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('keys %s as %s', (ip, subject) => {
    expect(ipSubject(ip)).toBe(subject);
  });

  it('puts every address of one /64 under one key', () => {
    expect(ipSubject('2001:db8:aa:bb::1')).toBe(ipSubject('2001:db8:aa:bb:ffff:1:2:3'));
    expect(ipSubject('2001:db8:aa:bb::1')).not.toBe(ipSubject('2001:db8:aa:bc::1'));
  });
});

describe('accountSubject', () => {
  it('ignores letter case and surrounding spaces, and does not contain the address', () => {
    expect(accountSubject(' Someone@Example.test ')).toBe(accountSubject('someone@example.test'));
    expect(accountSubject('someone@example.test')).not.toContain('someone');
  });
});
