import type { TrustProxy } from '../config.ts';

/**
 * Fastify's `trustProxy` for the configured setting. A hop count trusts the `hops` nearest
 * addresses (the socket's and the rightmost X-Forwarded-For entries): the client is the entry
 * the outermost proxy appended, whatever the client wrote to the left of it (the semantics of
 * proxy-addr). Fastify itself refuses plain numbers (fail closed), hence the function. A list
 * trusts only the entries appended by those proxies, so a client reaching the server directly
 * is always its socket address.
 */
export function fastifyTrustProxy(
  setting: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false) return false;
  if ('hops' in setting) {
    const { hops } = setting;
    return (_address, hop) => hop < hops;
  }
  return [...setting.proxies];
}
