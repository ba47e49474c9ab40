import { crc32, deflateSync } from 'node:zlib';

/**
 * Real images made in memory for the branding tests: a PNG browsers decode (a solid colour),
 * and the smallest JPEG and WebP headers image-size reads dimensions from.
 */

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A solid-colour RGB PNG of `width`×`height` (`rgb` as #rrggbb). */
export function png(width: number, height: number, rgb = '#d4145a'): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const pixel = [1, 3, 5].map((i) => parseInt(rgb.slice(i, i + 2), 16));
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill(pixel).flat())]);
  const raw = Buffer.concat(Array<Buffer>(height).fill(row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG's start and its SOF0 frame header: enough for the dimensions. */
export function jpeg(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0', 'ascii'),
    Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0]),
    sof,
    Buffer.alloc(9 + 20),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A lossless WebP (VP8L) header with the dimensions. */
export function webp(width: number, height: number): Buffer {
  const bits = (width - 1) | ((height - 1) << 14);
  const vp8l = Buffer.alloc(5);
  vp8l[0] = 0x2f;
  vp8l.writeUInt32LE(bits >>> 0, 1);
  const data = Buffer.concat([
    Buffer.from('VP8L', 'ascii'),
    Buffer.from([5, 0, 0, 0]),
    vp8l,
    Buffer.alloc(1),
  ]);
  const riff = Buffer.alloc(4);
  riff.writeUInt32LE(4 + data.length);
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), riff, Buffer.from('WEBP', 'ascii'), data]);
}

export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><script>alert(1)</script></svg>',
);
