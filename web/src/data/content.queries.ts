import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

export type Template =
  paths['/api/templates']['get']['responses'][200]['content']['application/json']['data'][number];
export type Channel = Template['channel'];
export type Rendered =
  paths['/api/functions/render-template']['post']['responses'][200]['content']['application/json']['data'];
export type RenderBody =
  paths['/api/functions/render-template']['post']['requestBody']['content']['application/json'];

const templatesKey = (propertyId: string) => ['templates', propertyId] as const;

/** The property's templates by name (the first page of 100). */
export function useTemplates(propertyId: string) {
  return useQuery({
    queryKey: [...templatesKey(propertyId), 'list'],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/templates', {
          params: { query: { limit: 100 }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

export interface TemplateInput {
  name: string;
  channel: Channel;
  subject?: string | undefined;
  body: string;
  text_body?: string | undefined;
}

/** Write scope (Owner, Admin, Editor): creates, or updates `id` at `version` (409 if it moved). */
export function useSaveTemplate(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({
      id,
      version,
      channel,
      ...fields
    }: TemplateInput & { id?: string | undefined; version?: number | undefined }) => {
      const subject = channel === 'email' ? fields.subject : undefined;
      if (id === undefined) {
        return unwrap(
          await api.POST('/api/templates', {
            params: { header: propertyHeader(propertyId) },
            body: {
              name: fields.name,
              channel,
              body: fields.body,
              ...(subject !== undefined && { subject }),
              ...(fields.text_body && { text_body: fields.text_body }),
            },
          }),
        ).data;
      }
      return unwrap(
        await api.PATCH('/api/templates/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
          body: {
            name: fields.name,
            body: fields.body,
            ...(subject !== undefined && { subject }),
            ...(channel === 'email' && { text_body: fields.text_body || null }),
            ...(version !== undefined && { version }),
          },
        }),
      ).data;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: templatesKey(propertyId) }),
  });
}

export function useDeleteTemplate(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.DELETE('/api/templates/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: templatesKey(propertyId) }),
  });
}

/**
 * The unsaved source rendered for a player (render-template: checked as a save would be, preview
 * links, nothing stored). `source` null renders nothing; the caller debounces what it passes.
 */
export function useRenderTemplate(propertyId: string, source: RenderBody | null) {
  return useQuery({
    queryKey: [...templatesKey(propertyId), 'render', source],
    enabled: source !== null,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async () =>
      unwrap(
        await api.POST('/api/functions/render-template', {
          params: { header: propertyHeader(propertyId) },
          body: source as RenderBody,
        }),
      ).data,
  });
}
