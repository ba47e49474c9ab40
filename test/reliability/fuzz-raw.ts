import fc from 'fast-check';

/**
 * Phase D: bytes an HTTP client refuses to send, written on raw sockets. Node's HTTP parser
 * rejects most of them before the application sees anything (its own 400/431, or it closes the
 * socket); whatever it lets through must get the documented envelope like any other request.
 */
export interface RawCase {
  readonly label: string;
  readonly bytes: Buffer;
  /** The request is incomplete on purpose: the server is right to wait and never answer. */
  readonly incomplete?: boolean;
}

const CLOSE = 'Connection: close\r\n';
const HOST = 'Host: 127.0.0.1\r\n';
const json = '{"email":"a@b.c","password":"x"}';

function head(requestLine: string, headers = ''): string {
  return `${requestLine}\r\n${HOST}${headers}${CLOSE}\r\n`;
}

const bin = (...parts: (string | readonly number[])[]) =>
  Buffer.concat(
    parts.map((part) =>
      typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part),
    ),
  );

/** Every raw case once; the test sends the list several times over. */
export function rawCases(paths: readonly string[]): fc.Arbitrary<RawCase> {
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    path.map((p) => ({
      label: 'raw:header-over-16KiB',
      bytes: bin(head(`GET ${p} HTTP/1.1`, `X-Big: ${'a'.repeat(17_000)}\r\n`)),
    })),
    path.map((p) => ({
      label: 'raw:url-over-16KiB',
      bytes: bin(head(`GET ${p}?q=${'a'.repeat(17_000)} HTTP/1.1`)),
    })),
    fc.constant({
      label: 'raw:many-headers',
      bytes: bin(
        head(
          'GET /healthz HTTP/1.1',
          Array.from({ length: 2500 }, (_, i) => `X-${i}: ${i}\r\n`).join(''),
        ),
      ),
    }),
    path.map((p) => ({ label: 'raw:space-in-url', bytes: bin(head(`GET ${p}/a b HTTP/1.1`)) })),
    path.map((p) => ({
      label: 'raw:control-in-url',
      bytes: bin(`GET ${p}/`, [0x01, 0x7f], ' HTTP/1.1\r\n', HOST, CLOSE, '\r\n'),
    })),
    path.map((p) => ({
      label: 'raw:invalid-utf8-in-url',
      bytes: bin(`GET ${p}/`, [0xff, 0xfe, 0xc3, 0x28], ' HTTP/1.1\r\n', HOST, CLOSE, '\r\n'),
    })),
    path.map((p) => ({
      label: 'raw:invalid-utf8-in-query',
      bytes: bin(
        `GET ${p}?status=eq.`,
        [0xc3, 0x28, 0xed, 0xa0, 0x80],
        ' HTTP/1.1\r\n',
        HOST,
        CLOSE,
        '\r\n',
      ),
    })),
    fc.constantFrom('x-api-key', 'authorization', 'x-property-id', 'prefer').map((name) => ({
      label: `raw:invalid-utf8-in-${name}`,
      bytes: bin(
        'GET /api/players?limit=1 HTTP/1.1\r\n',
        HOST,
        `${name}: `,
        name === 'authorization' ? 'Bearer ' : 'pk_',
        [0xc3, 0x28, 0xff],
        '\r\n',
        CLOSE,
        '\r\n',
      ),
    })),
    fc.constantFrom([0x00], [0x0d], [0x7f], [0x0a, 0x20]).map((bytes) => ({
      label: 'raw:control-in-header',
      bytes: bin(
        'GET /api/auth/me HTTP/1.1\r\n',
        HOST,
        'Authorization: Bearer a',
        bytes,
        'b\r\n',
        CLOSE,
        '\r\n',
      ),
    })),
    fc.constant({
      label: 'raw:bad-header-name',
      bytes: bin(head('GET /healthz HTTP/1.1', 'Bad Header: x\r\n')),
    }),
    fc.constant({
      label: 'raw:folded-header',
      bytes: bin(head('GET /healthz HTTP/1.1', 'X-A: a\r\n b\r\n')),
    }),
    fc.constant({
      label: 'raw:cl-and-te',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          `Content-Type: application/json\r\nContent-Length: ${json.length}\r\nTransfer-Encoding: chunked\r\n`,
        ),
        `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
      ),
    }),
    fc.constant({
      label: 'raw:two-content-lengths',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          `Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: ${json.length}\r\n`,
        ),
        json,
      ),
    }),
    fc.constantFrom('-1', 'abc', '1e3', '99999999999999999999', ' 5').map((length) => ({
      label: 'raw:bad-content-length',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          `Content-Type: application/json\r\nContent-Length: ${length}\r\n`,
        ),
        json,
      ),
    })),
    fc.constant({
      label: 'raw:content-length-short',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          `Content-Type: application/json\r\nContent-Length: 10\r\n`,
        ),
        json,
      ),
    }),
    fc.constant({
      label: 'raw:content-length-long',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          `Content-Type: application/json\r\nContent-Length: 1000\r\n`,
        ),
        json,
      ),
      incomplete: true,
    }),
    fc.constantFrom('zz', 'ffffffffffffffffff', '-1', '').map((size) => ({
      label: 'raw:bad-chunk-size',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n',
        ),
        `${size}\r\n${json}\r\n0\r\n\r\n`,
      ),
    })),
    fc.constant({
      label: 'raw:chunked-json',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n',
        ),
        `5\r\n${json.slice(0, 5)}\r\n${(json.length - 5).toString(16)}\r\n${json.slice(5)}\r\n0\r\nX-Trailer: 1\r\n\r\n`,
      ),
    }),
    fc.constantFrom('FOO', 'GET\u0000', 'get', 'G E T', 'CONNECT').map((method) => ({
      label: `raw:method-${method.replace(/\W/g, '_')}`,
      bytes: bin(head(`${method} /healthz HTTP/1.1`)),
    })),
    fc.constantFrom('HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1.1', 'HTTPS/1.1', '').map((version) => ({
      label: 'raw:bad-version',
      bytes: bin(head(`GET /healthz ${version}`.trim())),
    })),
    fc.constant({
      label: 'raw:no-host',
      bytes: bin(`GET /api/games?org_id=1 HTTP/1.1\r\n${CLOSE}\r\n`),
    }),
    fc.constant({
      label: 'raw:two-hosts',
      bytes: bin(head('GET /healthz HTTP/1.1', 'Host: evil.example\r\n')),
    }),
    fc.constant({
      label: 'raw:absolute-form',
      bytes: bin(head('GET http://evil.example/api/auth/me HTTP/1.1')),
    }),
    fc.constant({ label: 'raw:asterisk-form', bytes: bin(head('OPTIONS * HTTP/1.1')) }),
    fc.constant({
      label: 'raw:expect-unknown',
      bytes: bin(head('GET /healthz HTTP/1.1', 'Expect: teapot\r\n')),
    }),
    fc.constant({
      label: 'raw:tls-hello',
      bytes: bin([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
    }),
    fc.constant({ label: 'raw:blank-lines', bytes: bin('\r\n'.repeat(50)) }),
    fc.constant({ label: 'raw:garbage', bytes: bin('GARBAGE\r\n\r\n') }),
    fc.constant({ label: 'raw:http-0.9', bytes: bin('GET /healthz\r\n') }),
    fc.constant({
      label: 'raw:duplicate-content-type',
      bytes: bin(
        head(
          'POST /api/auth/login HTTP/1.1',
          `Content-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n`,
        ),
        json,
      ),
    }),
    fc.constant({
      label: 'raw:pipelined-garbage',
      bytes: bin(
        'GET /healthz HTTP/1.1\r\n',
        HOST,
        'Content-Length: 0\r\n\r\n',
        'NOT HTTP AT ALL\r\n\r\n',
      ),
    }),
    fc.constant({
      label: 'raw:upgrade',
      bytes: bin(head('GET /healthz HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n')),
    }),
  );
}
