import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';

const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * The cost-report Lambda imports lib/config to price what the stacks deploy. lib/config must stay
 * pure data + zod: one aws-cdk-lib import there would pull the CDK into the function. Bundled
 * here the way NodejsFunction does it (lib/shared/node-lambda-defaults.ts).
 */
describe('cost-report Lambda bundle', () => {
  let metafile: Metafile;
  let bytes: number;
  beforeAll(async () => {
    const result = await build({
      entryPoints: [path.join(REPO_ROOT, 'services/cost-report/src/handler.ts')],
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      external: ['@aws-sdk/*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    metafile = result.metafile;
    bytes = result.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0);
  });

  it('contains lib/config but no aws-cdk-lib or constructs', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toEqual(expect.arrayContaining(['lib/config/environments/prod.ts', 'lib/config/environment-config.ts']));
    expect(inputs.filter((i) => /node_modules\/(aws-cdk-lib|constructs)\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => i.startsWith('lib/') && !i.startsWith('lib/config/'))).toEqual([]);
  });

  it('stays small (aws-cdk-lib alone would be megabytes)', () => {
    expect(bytes).toBeLessThan(400 * 1024);
  });
});
