import type { Deps } from '../deps.ts';
import { createTemplate } from '../modules/content/index.ts';
import { createJourney, publishJourney } from '../modules/journeys/journeys.service.ts';

// The demo property's live journey, the loop's second half: each play of a link the demo
// campaign mailed is followed up an hour later, by whether the spin won a prize.

function body(text: string, gameId: number): string {
  return `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{ player.first_name | default: "there" }}, ${text}</mj-text>
  <mj-button href="{% game_link game: ${gameId} %}">Play again</mj-button>
  <mj-text font-size="11px"><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;
}

export async function seedDemoJourney(
  deps: Deps,
  property: { id: string; orgId: number },
  gameId: number,
): Promise<string> {
  const winner = await createTemplate(deps, property, {
    name: 'Demo: enjoy your prize',
    channel: 'email',
    subject: 'Your prize is waiting, {{ player.first_name | default: "friend" }}',
    body: body('congratulations on your prize. Here is one more spin for next time.', gameId),
  });
  const consolation = await createTemplate(deps, property, {
    name: 'Demo: better luck',
    channel: 'email',
    subject: 'So close! Another spin for you',
    body: body('no prize this time, but the wheel is ready for another go.', gameId),
  });
  const journey = await createJourney(deps, property, {
    name: 'Demo: after the spin',
    description: 'Follows up every play of a session that names a player: prize or consolation',
    graph: {
      trigger: { type: 'game_played', game_id: gameId },
      entry: { rule: 'once_per_period', period: { days: 7 } },
      start: 'wait',
      nodes: {
        wait: { type: 'wait', duration: { hours: 1 }, next: 'won' },
        won: { type: 'condition', filter: 'prizes_won=gte.1', then: 'prize', else: 'again' },
        prize: { type: 'send', template_id: winner.id },
        again: { type: 'send', template_id: consolation.id },
      },
    },
  });
  await publishJourney(deps, property, journey.id);
  return journey.id;
}
