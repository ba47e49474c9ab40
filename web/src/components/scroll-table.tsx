import { Box } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on a narrow screen. The scrolling box is focusable and named,
 * so keyboard users can scroll it even when no cell holds a link or button (axe:
 * scrollable-region-focusable).
 */
export function ScrollTable(props: { label: string; minWidth: number; children: ReactNode }) {
  return (
    <Box role="region" aria-label={props.label} tabIndex={0} style={{ overflowX: 'auto' }}>
      <Box miw={props.minWidth}>{props.children}</Box>
    </Box>
  );
}
