import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { type SourceMapV3, keepSourceMappings } from '../../scripts/source-map-filter';

const REPO_ROOT = path.resolve(__dirname, '../..');

/** A real esbuild bundle of one of our modules and one package, with its map. */
function bundle(): { code: string; map: SourceMapV3 } {
  const result = buildSync({
    stdin: {
      contents:
        "import { percentiles } from './services/shared/src/percentiles';\n" +
        "import stringify from 'safe-stable-stringify';\n" +
        'console.log(stringify(percentiles([3, 1, 2])));\n',
      resolveDir: REPO_ROOT,
      sourcefile: 'entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    sourcemap: 'external',
    sourcesContent: false,
    outfile: path.join(REPO_ROOT, 'out.js'),
    write: false,
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new Error('esbuild wrote no bundle or map');
  return { code: js.text, map: JSON.parse(map.text) as SourceMapV3 };
}

const fromPackage = (source: string): boolean => source.includes('node_modules/');

describe('keepSourceMappings: a source map that maps only some sources', () => {
  const { code, map } = bundle();
  const lines = code.split('\n');

  it('re-encodes the mappings unchanged when every source is kept', () => {
    expect(keepSourceMappings(map, () => true).mappings).toBe(map.mappings);
  });

  it('keeps every mapping into our sources exactly and none into a package', () => {
    const original = new SourceMap(map as unknown as SourceMapPayload);
    const filtered = new SourceMap(keepSourceMappings(map, (s) => !fromPackage(s)) as unknown as SourceMapPayload);
    let ours = 0;
    let dropped = 0;
    lines.forEach((text, line) => {
      for (let column = 0; column <= text.length; column++) {
        const entry = original.findEntry(line, column);
        // Only positions where the original map has a segment of its own.
        if (!('originalSource' in entry) || entry.generatedLine !== line || entry.generatedColumn !== column) continue;
        const after = filtered.findEntry(line, column);
        if (fromPackage(entry.originalSource)) {
          dropped++;
          if ('originalSource' in after) expect(fromPackage(after.originalSource)).toBe(false);
        } else {
          ours++;
          expect(after).toEqual(entry);
        }
      }
    });
    expect(ours).toBeGreaterThan(10);
    expect(dropped).toBeGreaterThan(10);
  });

  it('refuses mappings that are not base64 VLQ', () => {
    expect(() => keepSourceMappings({ ...map, mappings: 'AA!A' }, () => true)).toThrow(/not a base64 VLQ digit/);
    expect(() => keepSourceMappings({ ...map, mappings: 'AAg' }, () => true)).toThrow(/cut short/);
  });
});
