import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { prodConfig } from '../../lib/config/environments/prod';
import { synthesizeEnvironment } from './support/synth-environment';

/** Asset hashes change with every source edit; the template shape is what the snapshot guards. */
function scrubAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>'));
}

describe('prod templates', () => {
  // The one synth with real Lambda bundling (local esbuild, no Docker) and the Docker image asset.
  const synthesized = synthesizeEnvironment(prodConfig, { bundle: true });

  it.each(['network', 'data', 'service', 'costReport', 'observability'] as const)('%s stack matches the snapshot', (part) => {
    expect(scrubAssetHashes(synthesized.json[part])).toMatchSnapshot();
  });

  it('bundled the webhook locally and staged the voice image context without building it', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(synthesized.assembly.directory, 'CallingAgent-prod-Service.assets.json'), 'utf8'),
    ) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
      dockerImages: Record<string, { source: { directory: string; dockerFile: string; platform: string } }>;
    };
    const images = Object.values(manifest.dockerImages).map((i) => i.source);
    expect(images).toEqual([expect.objectContaining({ dockerFile: 'services/voice/Dockerfile', platform: 'linux/arm64' })]);
    const context = path.join(synthesized.assembly.directory, images[0]?.directory ?? '');
    expect(readdirSync(context).sort()).toEqual(['package-lock.json', 'package.json', 'scripts', 'services', 'tsconfig.json']);
    expect(readdirSync(path.join(context, 'services')).sort()).toEqual(['shared', 'voice']);
    // The build script and the modules it imports (voice-bundle.test.ts follows its imports).
    expect(readdirSync(path.join(context, 'scripts')).sort()).toEqual(['build-voice.ts', 'lazy-barrels.ts', 'source-map-filter.ts']);

    const zips = Object.values(manifest.files).filter((f) => f.source.packaging === 'zip');
    expect(zips).toHaveLength(1);
    const bundle = path.join(synthesized.assembly.directory, zips[0]?.source.path ?? '', 'index.js');
    expect(statSync(bundle).size).toBeGreaterThan(1000);
  });
});
