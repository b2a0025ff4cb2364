/**
 * ALB routing: which paths go where, in the order the listener evaluates them (lowest priority
 * number first). Anything else gets a fixed 404, so scanners never reach the service.
 */
export const ROUTES = {
  /** Exotel's media WebSocket (signed URL checked by the service before the upgrade). */
  voiceStream: { priority: 10, paths: ['/ws/exotel/*'] },
  /** Health of the voice tasks, as the ALB itself sees it. */
  voiceHealth: { priority: 20, paths: ['/health'] },
  /** Exotel's webhook (admission + stream URL) served by the webhook Lambda. */
  webhook: { priority: 30, paths: ['/exotel/*'] },
} as const;

export const VOICE_HEALTH_PATH = '/health';
