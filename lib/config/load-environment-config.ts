import { devConfig } from './environments/dev';
import { prodConfig } from './environments/prod';
import { stagingConfig } from './environments/staging';
import {
  ENVIRONMENT_NAMES,
  environmentConfigSchema,
  type EnvironmentConfig,
  type EnvironmentName,
} from './environment-config';

const CONFIGS: Record<EnvironmentName, EnvironmentConfig> = {
  dev: devConfig,
  staging: stagingConfig,
  prod: prodConfig,
};

export class EnvironmentConfigError extends Error {
  override readonly name = 'EnvironmentConfigError';
}

function isEnvironmentName(value: string): value is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(value);
}

/**
 * The validated settings for `-c env=<name>`. Throws a message naming the valid environments
 * (unknown or missing name) or every invalid field (bad config), so synth fails before any
 * construct is built.
 */
export function loadEnvironmentConfig(name: unknown): EnvironmentConfig {
  if (typeof name !== 'string' || name.length === 0) {
    throw new EnvironmentConfigError(
      `No environment selected: pass -c env=<name> (one of ${ENVIRONMENT_NAMES.join(', ')}).`,
    );
  }
  if (!isEnvironmentName(name)) {
    throw new EnvironmentConfigError(
      `Unknown environment "${name}": expected one of ${ENVIRONMENT_NAMES.join(', ')}.`,
    );
  }
  return validateEnvironmentConfig(CONFIGS[name]);
}

export function validateEnvironmentConfig(candidate: unknown): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(candidate);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new EnvironmentConfigError(`Invalid environment config:\n${problems.join('\n')}`);
  }
  return result.data;
}
