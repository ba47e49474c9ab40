import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the HTTP client goes away before the answer was sent (its
 * connection closed), for work that should then stop: `database.cancellable(signal, …)`.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  // 'close' also follows a response that was sent; only one that was not means the client left.
  const onClose = () => {
    if (!response.writableFinished) controller.abort();
  };
  if (response.destroyed) onClose();
  else response.once('close', onClose);
  return controller.signal;
}
