import * as path from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { VoiceServiceConfig } from '../config/environment-config';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const VOICE_DOCKERFILE = 'services/voice/Dockerfile';

/**
 * What synth stages as the Docker build context (everything else stays out of cdk.out): the
 * manifest and lockfile for `npm ci`, the TS config, the build script and the modules it imports
 * (test/infra/voice-bundle.test.ts follows its imports), and the voice and shared
 * sources (the only sources the bundle imports; test/infra checks this against esbuild's inputs).
 * The Dockerfile's build stage copies exactly these.
 */
export const VOICE_BUILD_CONTEXT_EXCLUDES = [
  '*',
  '!package.json',
  '!package-lock.json',
  '!tsconfig.json',
  '!scripts',
  'scripts/*',
  '!scripts/build-voice.ts',
  '!scripts/source-map-filter.ts',
  '!scripts/lazy-barrels.ts',
  '!services',
  'services/*',
  '!services/voice',
  '!services/shared',
];

/**
 * The voice container image from services/voice/Dockerfile. Synth only stages the context and
 * writes the asset manifest; Docker runs at `cdk deploy`/`cdk-assets publish` time, so synth
 * works on machines without Docker.
 */
export function voiceContainerImage(architecture: VoiceServiceConfig['architecture']): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(REPO_ROOT, {
    file: VOICE_DOCKERFILE,
    platform: architecture === 'ARM64' ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
    ignoreMode: IgnoreMode.DOCKER,
    exclude: VOICE_BUILD_CONTEXT_EXCLUDES,
  });
}
