import qrcode from 'qrcode-generator';

/**
 * A QR code as an SVG path of its dark modules on a `size`×`size` grid, the 4-module quiet zone
 * included, so the browser only draws a white square and this path in black (play pages do not
 * load a QR library).
 */
export interface QrPath {
  size: number;
  path: string;
}

const QUIET = 4;

/** The QR code of `text` (UTF-8, error correction M); null for an empty or too long text. */
export function qrPath(text: string | null | undefined): QrPath | null {
  if (!text || text.length > 500) return null;
  const qr = qrcode(0, 'M');
  // The library writes each char code as one byte: hand it the text's UTF-8 bytes.
  qr.addData(String.fromCharCode(...new TextEncoder().encode(text)), 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.isDark(row, col)) col++;
      // One rectangle per horizontal run of dark modules keeps the path short.
      parts.push(`M${start + QUIET} ${row + QUIET}h${col - start}v1h-${col - start}z`);
    }
  }
  return { size: count + 2 * QUIET, path: parts.join('') };
}

/** A handed-out prize with its code's QR code (null when it has no code). */
export function withQr<T extends { code: string | null }>(prize: T): T & { qr: QrPath | null } {
  return { ...prize, qr: qrPath(prize.code) };
}
