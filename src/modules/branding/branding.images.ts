import { imageSize } from 'image-size';
import { AppError } from '../../lib/errors.ts';

/** The image types an organization may upload; SVG is refused (it can carry script). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const MAX_ASSET_BYTES = 2 * 1024 * 1024;
export const MIN_SIDE = 16;
export const MAX_SIDE = 4096;

export function isImageType(value: string): value is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(value);
}

/** The declared Content-Type without parameters, lower case. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Why a declared Content-Type is refused before the body is read, or undefined when accepted. */
export function refusedType(header: string | undefined): string | undefined {
  const type = mediaType(header);
  if (isImageType(type)) return undefined;
  if (type === 'image/svg+xml') return 'SVG images are not accepted: upload a PNG, JPEG or WebP';
  return `Content-Type must be image/png, image/jpeg or image/webp${type ? ` (got ${type})` : ''}`;
}

/** What the bytes are, by their signature (not by what the client declared). */
function sniff(bytes: Uint8Array): ImageType | undefined {
  const at = (offset: number, ...values: number[]) =>
    values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

const SIZE_TYPE: Readonly<Record<ImageType, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

/**
 * Checks an upload: the bytes are the declared type (sniffed, then parsed by image-size), and
 * each side is 16–4096 px. Throws a 400 (or 415 for a type we do not take) naming the problem.
 */
export function checkImage(
  declared: ImageType,
  bytes: Uint8Array,
): { width: number; height: number } {
  if (bytes.length === 0) throw new AppError('validation_failed', 'The image is empty');
  const actual = sniff(bytes);
  if (!actual) {
    throw new AppError(
      'unsupported_media_type',
      'The file is not a PNG, JPEG or WebP image (SVG and other formats are not accepted)',
    );
  }
  if (actual !== declared) {
    throw new AppError(
      'validation_failed',
      `The file is ${actual} but was sent as ${declared}: the Content-Type must match the image`,
      { declared, actual },
    );
  }
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    throw new AppError('validation_failed', 'The image could not be read (damaged or truncated)');
  }
  const { width, height } = size;
  if (size.type !== SIZE_TYPE[actual] || !width || !height) {
    throw new AppError('validation_failed', 'The image could not be read (damaged or truncated)');
  }
  if ([width, height].some((side) => side < MIN_SIDE || side > MAX_SIDE)) {
    throw new AppError(
      'validation_failed',
      `The image is ${width}×${height} px: each side must be ${MIN_SIDE}–${MAX_SIDE} px`,
      { width, height },
    );
  }
  return { width, height };
}
