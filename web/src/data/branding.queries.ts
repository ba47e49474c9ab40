import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

type BrandingPath = paths['/api/organizations/{orgId}/branding'];
type AssetsPath = paths['/api/organizations/{orgId}/assets'];

export type Branding = BrandingPath['get']['responses'][200]['content']['application/json']['data'];
export type BrandingBody = NonNullable<
  BrandingPath['put']['requestBody']
>['content']['application/json'];
export type Background = Branding['background'];
export type Font = Branding['font'];
export type Asset =
  AssetsPath['get']['responses'][200]['content']['application/json']['data'][number];

export const FONTS: readonly Font[] = ['system', 'rounded', 'serif', 'slab', 'condensed', 'mono'];
/** What the API takes (image/png, image/jpeg, image/webp; 2 MB). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

const brandingKey = (orgId: number) => ['branding', orgId] as const;
const assetsKey = (orgId: number) => ['branding-assets', orgId] as const;

/** The organization's play-page branding (every member). */
export function useBranding(orgId: number) {
  return useQuery({
    queryKey: brandingKey(orgId),
    queryFn: async () =>
      unwrap(await api.GET('/api/organizations/{orgId}/branding', { params: { path: { orgId } } }))
        .data,
  });
}

/** Replaces the whole branding (Admin and above). */
export function useSaveBranding(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: BrandingBody) =>
      unwrap(
        await api.PUT('/api/organizations/{orgId}/branding', {
          params: { path: { orgId } },
          body,
        }),
      ).data,
    onSuccess: (saved) => client.setQueryData(brandingKey(orgId), saved),
  });
}

/** The organization's uploaded images (every member). */
export function useAssets(orgId: number) {
  return useQuery({
    queryKey: assetsKey(orgId),
    queryFn: async () =>
      unwrap(await api.GET('/api/organizations/{orgId}/assets', { params: { path: { orgId } } }))
        .data,
  });
}

/** Uploads one image as the raw body with its own Content-Type (Admin and above). */
export function useUploadAsset(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) =>
      unwrap(
        await api.POST('/api/organizations/{orgId}/assets', {
          params: { path: { orgId } },
          body: file as never,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { 'Content-Type': file.type || 'application/octet-stream' },
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: assetsKey(orgId) }),
  });
}

/** Deletes an unused image (an image in use is 409). */
export function useDeleteAsset(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (assetId: string) =>
      unwrap(
        await api.DELETE('/api/organizations/{orgId}/assets/{assetId}', {
          params: { path: { orgId, assetId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: assetsKey(orgId) }),
  });
}
