export {
  authenticateStreamRequest,
  STREAM_PATH_PREFIX,
  type StreamAuthDeps,
  type StreamAuthMode,
  type StreamAuthRequest,
  type StreamAuthResult,
} from './authenticate';
export { basicCredentialsMatch, parseBasicAuthorization, type BasicCredentials } from './basic-auth';
export type { ReplayGuard } from './replay-guard';
export { MemoryReplayGuard, type MemoryReplayGuardOptions } from './memory-replay-guard';
export { RedisReplayGuard } from './redis-replay-guard';
export {
  keySetFromSecret,
  MIN_SIGNING_SECRET_CHARS,
  parseSigningSecret,
  secretsManagerSigningKeys,
  signingSecretSchema,
  staticSigningKeys,
  type SecretsManagerKeyOptions,
  type SigningKeyProvider,
  type SigningKeySet,
  type SigningSecret,
} from './signing-keys';
export { redactSignedUrl } from './redact';
