import '@mantine/core/styles.css';
import { createTheme, type CSSVariablesResolver, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { I18nProvider } from './i18n/i18n.tsx';

// Shade 8 of blue keeps white text on buttons and blue links at WCAG AA contrast (4.5:1);
// Mantine's default shade 6 is 3.5:1. Thai glyphs come from the system's Thai fonts.
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans Thai", "Sarabun", Loma, sans-serif',
});

// Field hints and other "dimmed" text: Mantine's gray 6 is 3.3:1 on white, gray 7 passes AA.
// Text on the light variant (the active menu entry, light badges and buttons): Mantine's blue 9
// on its hover background (blue 2) is 4.0:1; this darker blue is 5.4:1 there, 7:1 at rest.
const resolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7] ?? '#495057',
    '--mantine-color-blue-light-color': '#0b4f8f',
  },
  dark: {},
});

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false } },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={resolver}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
