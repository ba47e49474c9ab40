import { SegmentedControl } from '@mantine/core';
import { LANGS, useI18n } from '../i18n/i18n.tsx';

/** English / ไทย; the choice is kept in this browser (localStorage). */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      data-testid="language-switch"
      value={lang}
      onChange={setLang}
      data={LANGS.map((l) => ({ value: l.value, label: l.label }))}
    />
  );
}
