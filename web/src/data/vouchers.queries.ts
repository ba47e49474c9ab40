import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type VoucherSet =
  paths['/api/voucher-sets']['get']['responses'][200]['content']['application/json']['data'][number];
export type CreateVoucherSetBody =
  paths['/api/voucher-sets']['post']['requestBody']['content']['application/json'];
export type GenerateBody =
  paths['/api/voucher-sets/{id}/generate']['post']['requestBody']['content']['application/json'];
export type VoucherCode =
  paths['/api/voucher-sets/{id}/codes']['get']['responses'][200]['content']['application/json']['data'][number];

const setsKey = (orgId: number) => ['voucher-sets', orgId] as const;

/** Every set with its counts (total, available, claimed) and the games drawing from it. */
export function useVoucherSets(orgId: number) {
  return useQuery({
    queryKey: setsKey(orgId),
    queryFn: async () =>
      unwrap(await api.GET('/api/voucher-sets', { params: { query: { org_id: orgId } } })).data,
  });
}

/** The first 100 codes of a set (`code` is null below Editor: prize secrets). */
export function useVoucherCodes(orgId: number, setId: number) {
  return useQuery({
    queryKey: [...setsKey(orgId), setId, 'codes'],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/voucher-sets/{id}/codes', {
          params: { path: { id: setId }, query: { org_id: orgId, limit: 100 } },
        }),
      ),
  });
}

/** Editor and above: an empty set, codes come next by upload or generation. */
export function useCreateVoucherSet() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateVoucherSetBody) =>
      unwrap(await api.POST('/api/voucher-sets', { body })).data,
    onSuccess: (set) => client.invalidateQueries({ queryKey: setsKey(set.org_id) }),
  });
}

/**
 * Sends a .csv or .txt file as it is (text/csv or text/plain): the server reads the first
 * column, upper-cases and drops repeats, so the browser does not guess at the format.
 */
export function useUploadCodes(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { setId: number; file: File; header: boolean }) => {
      const csv = /\.csv$/i.test(input.file.name) || input.file.type === 'text/csv';
      const text = await input.file.text();
      return unwrap(
        await api.POST('/api/voucher-sets/{id}/codes', {
          params: {
            path: { id: input.setId },
            query: { org_id: orgId, header: input.header },
          },
          body: text,
          bodySerializer: (body: unknown) => body as string,
          headers: { 'Content-Type': csv ? 'text/csv' : 'text/plain' },
        }),
      ).data;
    },
    onSettled: () => client.invalidateQueries({ queryKey: setsKey(orgId) }),
  });
}

/** Editor and above: `count` random codes, `PREFIX-XXXXXXXX`. */
export function useGenerateCodes(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ setId, ...body }: GenerateBody & { setId: number }) =>
      unwrap(
        await api.POST('/api/voucher-sets/{id}/generate', {
          params: { path: { id: setId }, query: { org_id: orgId } },
          body,
        }),
      ).data,
    onSettled: () => client.invalidateQueries({ queryKey: setsKey(orgId) }),
  });
}
