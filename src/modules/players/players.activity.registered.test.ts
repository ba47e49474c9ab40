import { describe, expect, it } from 'vitest';
import { EVENT_CONSUMERS } from '../../background.ts';
import { playerActivityConsumer } from './index.ts';

// Apart from the other activity tests: src/background.ts imports every feature's consumer.

describe('the players.activity consumer', () => {
  it('is one of the consumers every worker process runs', () => {
    expect(EVENT_CONSUMERS['players.activity']).toBe(playerActivityConsumer);
  });
});
