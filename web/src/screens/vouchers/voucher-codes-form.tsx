import {
  Button,
  Checkbox,
  Group,
  Input,
  NumberInput,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useId, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import {
  useCreateVoucherSet,
  useGenerateCodes,
  useUploadCodes,
  type VoucherSet,
} from '../../data/vouchers.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The upload limit the API sets (2 MiB); a bigger file is refused here before it is sent. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
const PREFIX = /^[A-Za-z0-9]{0,10}$/;

export interface CodesAdded {
  set: string;
  added: number;
  duplicates: number;
  total: number;
}

/**
 * A new set (no `set`) or more codes for one: by a .csv/.txt file of codes, one a line, or
 * generated (count, prefix, length). A new set is made first; when adding its codes then fails,
 * the form stays open on that set so the user can try again without making a second one.
 */
export function VoucherCodesForm(props: {
  orgId: number;
  set?: VoucherSet | undefined;
  onDone: (result: CodesAdded) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const fileId = useId();
  const create = useCreateVoucherSet();
  const upload = useUploadCodes(props.orgId);
  const generate = useGenerateCodes(props.orgId);
  const [target, setTarget] = useState<VoucherSet | undefined>(props.set);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState('');
  const [method, setMethod] = useState<'upload' | 'generate'>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [header, setHeader] = useState(false);
  const [count, setCount] = useState<number | string>(100);
  const [prefix, setPrefix] = useState('');
  const [length, setLength] = useState<number | string>(8);
  const [problem, setProblem] = useState<string | null>(null);
  const busy = create.isPending || upload.isPending || generate.isPending;
  const failed = create.error ?? upload.error ?? generate.error;

  const check = (): string | null => {
    if (!target && !name.trim()) return t('vouchers.need_name');
    if (method === 'upload') {
      if (!file) return t('vouchers.need_file');
      if (file.size > MAX_UPLOAD_BYTES) return t('vouchers.file_too_big');
      return null;
    }
    if (typeof count !== 'number' || count < 1 || count > 1000) return t('vouchers.bad_count');
    if (!PREFIX.test(prefix)) return t('vouchers.bad_prefix');
    if (typeof length !== 'number' || length < 4 || length > 16) return t('vouchers.bad_length');
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = check();
    setProblem(wrong);
    if (wrong) return;
    create.reset();
    upload.reset();
    generate.reset();
    try {
      let set = target;
      if (!set) {
        set = await create.mutateAsync({
          org_id: props.orgId,
          name: name.trim(),
          description: description.trim() || null,
          expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
        });
        setTarget(set);
      }
      const added =
        method === 'upload' && file
          ? await upload.mutateAsync({ setId: set.id, file, header })
          : {
              duplicates: 0,
              ...(await generate.mutateAsync({
                setId: set.id,
                count: Number(count),
                prefix,
                length: Number(length),
              })),
            };
      props.onDone({
        set: set.name,
        added: added.added,
        duplicates: added.duplicates,
        total: added.total,
      });
    } catch {
      // The mutation keeps its error; FormError says it in words.
    }
  };

  const example = `${prefix ? `${prefix.toUpperCase()}-` : ''}${'A8K2M9X1QZ7P4R6T'.slice(0, Number(length) || 8)}`;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="voucher-form">
      <Stack gap="sm">
        {target ? (
          <Text data-testid="voucher-form-set">
            {t('vouchers.adding_to', { name: target.name })}
          </Text>
        ) : (
          <>
            <TextInput
              label={t('vouchers.name')}
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-testid="voucher-name"
            />
            <Textarea
              label={t('vouchers.description')}
              maxLength={1000}
              autosize
              minRows={2}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              data-testid="voucher-description"
            />
            <TextInput
              type="date"
              label={t('vouchers.expires')}
              description={t('vouchers.expires_hint')}
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
              data-testid="voucher-expires"
            />
          </>
        )}
        <Input.Wrapper label={t('vouchers.how')}>
          <SegmentedControl
            fullWidth
            value={method}
            onChange={(value) => setMethod(value === 'generate' ? 'generate' : 'upload')}
            data={[
              { value: 'upload', label: t('vouchers.by_upload') },
              { value: 'generate', label: t('vouchers.by_generate') },
            ]}
            data-testid="voucher-method"
          />
        </Input.Wrapper>
        {method === 'upload' ? (
          <>
            <Input.Wrapper
              label={t('vouchers.file')}
              description={t('vouchers.file_hint')}
              id={fileId}
            >
              <input
                id={fileId}
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                aria-describedby={`${fileId}-description`}
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
                data-testid="voucher-file"
                style={{ display: 'block', marginTop: 4 }}
              />
            </Input.Wrapper>
            <Checkbox
              label={t('vouchers.header_row')}
              checked={header}
              onChange={(e) => setHeader(e.currentTarget.checked)}
              data-testid="voucher-header"
            />
          </>
        ) : (
          <Group grow align="flex-start">
            <NumberInput
              label={t('vouchers.count')}
              min={1}
              max={1000}
              value={count}
              onChange={setCount}
              data-testid="voucher-count"
            />
            <TextInput
              label={t('vouchers.prefix')}
              description={t('vouchers.prefix_hint')}
              maxLength={10}
              value={prefix}
              onChange={(e) => setPrefix(e.currentTarget.value)}
              data-testid="voucher-prefix"
            />
            <NumberInput
              label={t('vouchers.length')}
              min={4}
              max={16}
              value={length}
              onChange={setLength}
              data-testid="voucher-length"
            />
          </Group>
        )}
        {method === 'generate' && (
          <Text size="sm" data-testid="voucher-example">
            {t('vouchers.example', { code: example })}
          </Text>
        )}
        {problem && (
          <Text c="red.8" size="sm" role="alert" data-testid="voucher-problem">
            {problem}
          </Text>
        )}
        <FormError error={failed} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('vouchers.cancel')}
          </Button>
          <Button type="submit" loading={busy} data-testid="voucher-save">
            {t(target ? 'vouchers.add_codes' : 'vouchers.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
