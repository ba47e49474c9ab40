// The links the loop's tags print: who mints them (LinkMinter), the preview's stand-ins, and
// the per-message memo that makes one tag one session however often it appears.

/**
 * Where the loop's tags get their URLs. The campaign sender passes one that mints a single-use
 * session per recipient; previews pass `previewMinter`. Within one message a link is asked for
 * once (renderMessage memoizes per message), so one tag in the HTML and the text part, or twice
 * in the HTML, is one session.
 */
export interface LinkMinter {
  gameLink(gameId: number, options: { short: boolean }): Promise<string>;
  streamLink(streamId: number, options: { short: boolean }): Promise<string>;
  unsubscribeUrl(): Promise<string>;
}

/** The path of SMS short links: `${PUBLIC_URL}/l/<code>` (served by the campaign module). */
export const SHORT_LINK_PATH = '/l/';

/**
 * Characters of a short link's code. Senders mint codes of this length, so a preview's short
 * links (and its SMS segment count) are as long as the real ones.
 */
export const SHORT_LINK_CODE_LENGTH = 10;

/** Links that say what they are and create nothing: a preview must never mint a session. */
export function previewMinter(publicUrl: string): LinkMinter {
  const link = (kind: 'game' | 'stream', id: number, short: boolean) =>
    Promise.resolve(
      short
        ? `${publicUrl}${SHORT_LINK_PATH}${'PREVIEW'.padEnd(SHORT_LINK_CODE_LENGTH, '0')}`
        : `${publicUrl}/play/${kind}/${id}?session_token=preview-not-playable`,
    );
  return {
    gameLink: (gameId, { short }) => link('game', gameId, short),
    streamLink: (streamId, { short }) => link('stream', streamId, short),
    unsubscribeUrl: () => Promise.resolve(`${publicUrl}/u/preview-not-a-real-token`),
  };
}

/** Distinct links one message may mint (a game_link in a loop would otherwise mint thousands). */
export const MAX_LINKS_PER_MESSAGE = 20;

/** Mints the link `key` names once per message (see messageMinter). */
export type Mint = (key: string, mint: (minter: LinkMinter) => Promise<string>) => Promise<string>;

/**
 * A minting function for one message: each distinct link is minted once, and at most
 * MAX_LINKS_PER_MESSAGE of them.
 */
export function messageMinter(minter: LinkMinter): Mint {
  const minted = new Map<string, Promise<string>>();
  return (key: string, mint: (minter: LinkMinter) => Promise<string>): Promise<string> => {
    let url = minted.get(key);
    if (!url) {
      if (minted.size >= MAX_LINKS_PER_MESSAGE) {
        throw new Error(`a message may hold at most ${MAX_LINKS_PER_MESSAGE} distinct links`);
      }
      url = mint(minter);
      minted.set(key, url);
    }
    return url;
  };
}
