/** Redis names used by the transcript write-ahead log. */
export interface WalKeys {
  /** The stream a task appends its lines to. */
  stream(taskId: string): string;
  /** ZSET taskId -> last heartbeat (epoch ms): finds streams whose task is gone. */
  heartbeats: string;
  group: string;
}

export function walKeys(prefix = 'ca:wal:'): WalKeys {
  return {
    stream: (taskId) => `${prefix}stream:${taskId}`,
    heartbeats: `${prefix}heartbeats`,
    group: 'flushers',
  };
}

export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}

export function isBusyGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('BUSYGROUP');
}
