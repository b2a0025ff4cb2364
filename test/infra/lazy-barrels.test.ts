import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { VOICE_LAZY_BARRELS } from '../../scripts/build-voice';
import { lazyBarrelSource, lazyBarrelsPlugin, type LazyBarrelsReport } from '../../scripts/lazy-barrels';

/** Node's CommonJS loader internals this test compiles a generated barrel with. */
interface CompilableModule {
  filename: string;
  paths: string[];
  exports: Record<string, unknown>;
  _compile(source: string, filename: string): void;
}
const NodeModule = Module as unknown as {
  new (id: string, parent?: NodeJS.Module): CompilableModule;
  _nodeModulePaths(dir: string): string[];
};

/** Runs `source` as if it were the file at `filename` (its requires resolve from there). */
function compileAt(filename: string, source: string): Record<string, unknown> {
  const m = new NodeModule(`${filename}#lazy`, module);
  m.filename = filename;
  m.paths = NodeModule._nodeModulePaths(path.dirname(filename));
  m._compile(source, filename);
  return m.exports;
}

// What tsc emits for `export * from`, `export * as ns from` and `export { x } from`.
const HELPERS = `"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    return result;
};
Object.defineProperty(exports, "__esModule", { value: true });
`;

const leaf = (name: string, value: string): string =>
  `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.${name} = void 0;\n(globalThis.loadedLeaves ??= []).push(${JSON.stringify(name)});\nexports.${name} = ${value};\n`;

describe('lazy barrels (scripts/lazy-barrels.ts)', () => {
  let root: string;
  let pkg: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lazy-barrels-'));
    pkg = path.join(root, 'node_modules', 'fern-like');
    const write = (rel: string, text: string): void => {
      mkdirSync(path.dirname(path.join(pkg, rel)), { recursive: true });
      writeFileSync(path.join(pkg, rel), text);
    };
    write('package.json', JSON.stringify({ name: 'fern-like', version: '1.0.0', main: 'index.js' }));
    write('schemas/types/Alpha.js', leaf('Alpha', '{ kind: "alpha" }'));
    write('schemas/types/Beta.js', leaf('Beta', '{ kind: "beta" }'));
    // Also exports Alpha: the barrel lists types/ first, so types/Alpha must win.
    write('schemas/other/Shadow.js', `${leaf('Shadow', '"shadow"')}exports.Alpha = "shadowed";\n`);
    write('schemas/types/index.js', `${HELPERS}__exportStar(require("./Alpha"), exports);\n__exportStar(require("./Beta"), exports);\n`);
    write(
      'schemas/other/index.js',
      `${HELPERS}exports.Named = void 0;\nvar Shadow_1 = require("./Shadow");\nObject.defineProperty(exports, "Named", { enumerable: true, get: function () { return Shadow_1.Shadow; } });\n__exportStar(require("./Shadow"), exports);\n`,
    );
    write('schemas/ns/index.js', `${HELPERS}__exportStar(require("../types"), exports);\n`);
    write(
      'schemas/index.js',
      `${HELPERS}exports.ns = void 0;\n__exportStar(require("./types"), exports);\n__exportStar(require("./other"), exports);\nexports.ns = __importStar(require("./ns"));\n`,
    );
    // Not a barrel: code besides re-exports. It must be left as it is.
    write('schemas/mixed/index.js', `${HELPERS}__exportStar(require("../types"), exports);\nexports.computed = Object.keys(exports).length;\n`);
    write('index.js', `"use strict";\nconst s = require("./schemas");\nexports.describe = () => s.Beta.kind;\n`);
    write('empty/index.js', '"use strict";\nmodule.exports = 1;\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exports the same names, each from the module that defines it, and the first star re-export wins', () => {
    const source = lazyBarrelSource(path.join(pkg, 'schemas/index.js'));
    expect(source).toBeDefined();
    const lazy = compileAt(path.join(pkg, 'schemas/index.js'), source as string);
    const real = require(path.join(pkg, 'schemas/index.js')) as Record<string, unknown>;
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(lazy).sort()).toEqual(['Alpha', 'Beta', 'Named', 'Shadow', 'ns']);
    for (const key of Object.keys(real)) expect(lazy[key]).toEqual(real[key]);
    expect(lazy.Alpha).toEqual({ kind: 'alpha' });
    expect(lazy.Named).toBe('shadow');
  });

  it('leaves a file that does more than re-export alone', () => {
    expect(lazyBarrelSource(path.join(pkg, 'schemas/mixed/index.js'))).toBeUndefined();
    expect(lazyBarrelSource(path.join(pkg, 'schemas/types/Alpha.js'))).toBeUndefined();
  });

  it('in a bundle, a module runs only when something first reads one of its names', async () => {
    const entry = path.join(root, 'entry.js');
    writeFileSync(
      entry,
      [
        'const s = require("fern-like/schemas");',
        'const seen = () => [...(globalThis.loadedLeaves ?? [])];',
        'const atStart = seen();',
        'const beta = s.Beta.kind;',
        'const afterBeta = seen();',
        'const viaNamespace = s.ns.Alpha.kind;',
        'module.exports = { atStart, beta, afterBeta, viaNamespace, atEnd: seen(), keys: Object.keys(s).sort() };',
      ].join('\n'),
    );
    const report: LazyBarrelsReport = { rewritten: new Map() };
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      absWorkingDir: root,
      logLevel: 'silent',
      plugins: [lazyBarrelsPlugin([{ packageName: 'fern-like', folders: ['schemas'] }], report)],
    });
    const code = out.outputFiles[0]?.text ?? '';
    const sandbox = { exports: {} as Record<string, unknown> };
    delete (globalThis as { loadedLeaves?: string[] }).loadedLeaves;
    new Function('module', 'exports', 'require', code)(sandbox, sandbox.exports, require);
    const result = (sandbox as unknown as { exports: Record<string, unknown> }).exports;
    expect(result).toEqual({
      atStart: [],
      beta: 'beta',
      afterBeta: ['Beta'],
      viaNamespace: 'alpha',
      atEnd: ['Beta', 'Alpha'],
      keys: ['Alpha', 'Beta', 'Named', 'Shadow', 'ns'],
    });
    // schemas/ and the namespace ns/ were loaded and rewritten; schemas/'s getters go straight to
    // the leaves, so types/ and other/ were never even bundled, nor was mixed/.
    expect(report.rewritten.get('fern-like/schemas')).toBe(2);
    expect(code).not.toMatch(/schemas\/types\/index\.js|schemas\/other\/index\.js|schemas\/mixed/);
  });

  it('fails the build when a configured folder has no barrel left to rewrite (the package changed shape)', async () => {
    writeFileSync(path.join(root, 'entry-empty.js'), 'module.exports = require("fern-like/empty");\n');
    await expect(
      build({
        entryPoints: [path.join(root, 'entry-empty.js')],
        bundle: true,
        platform: 'node',
        write: false,
        absWorkingDir: root,
        logLevel: 'silent',
        plugins: [lazyBarrelsPlugin([{ packageName: 'fern-like', folders: ['empty'] }])],
      }),
    ).rejects.toThrow(/no barrel was rewritten under fern-like\/empty/);
  });

  describe('on @elevenlabs/elevenlabs-js, the package the voice bundle makes lazy', () => {
    const sdk = path.dirname(require.resolve('@elevenlabs/elevenlabs-js/package.json'));

    it.each(['serialization/index.js', 'api/index.js'])('%s: the lazy barrel has every name of the real one, each the same object', (rel) => {
      const file = path.join(sdk, rel);
      const source = lazyBarrelSource(file);
      expect(source).toBeDefined();
      const dir = mkdtempSync(path.join(tmpdir(), 'lazy-barrel-'));
      try {
        writeFileSync(path.join(dir, 'lazy.js'), source as string);
        // In a plain node process (jest keeps a registry of its own beside Node's cache). The real
        // barrel loads first, in the SDK's own order, so every lazy getter finds its module in the
        // cache and must return the very object the real barrel exports.
        const check = `
          const Module = require('node:module');
          const fs = require('node:fs');
          const file = ${JSON.stringify(file)};
          const real = require(file);
          const m = new Module(file + '#lazy', module);
          m.filename = file;
          m.paths = Module._nodeModulePaths(require('node:path').dirname(file));
          m._compile(fs.readFileSync(${JSON.stringify(path.join(dir, 'lazy.js'))}, 'utf8'), file);
          const lazy = m.exports;
          const keys = Object.keys(real).sort();
          process.stdout.write(JSON.stringify({
            keys: keys.length,
            sameKeys: Object.keys(lazy).sort().join() === keys.join(),
            differing: keys.filter((key) => lazy[key] !== real[key]),
          }));
        `;
        const out = JSON.parse(execFileSync(process.execPath, ['-e', check], { cwd: sdk, encoding: 'utf8' })) as { keys: number; sameKeys: boolean; differing: string[] };
        expect(out.keys).toBeGreaterThan(400);
        expect(out.sameKeys).toBe(true);
        expect(out.differing).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('bundled lazily, every name loads on its own in any order, and the schemas we send with behave as the real ones', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'lazy-elevenlabs-'));
      try {
        const entry = path.join(dir, 'entry.js');
        writeFileSync(entry, 'module.exports = { serialization: require("@elevenlabs/elevenlabs-js/serialization"), api: require("@elevenlabs/elevenlabs-js/api") };\n');
        const report: LazyBarrelsReport = { rewritten: new Map() };
        await build({
          entryPoints: [entry],
          outfile: path.join(dir, 'lazy-sdk.js'),
          bundle: true,
          platform: 'node',
          format: 'cjs',
          nodePaths: [path.join(sdk, '..', '..')],
          logLevel: 'silent',
          plugins: [lazyBarrelsPlugin(VOICE_LAZY_BARRELS, report)],
        });
        expect(report.rewritten.get('@elevenlabs/elevenlabs-js/serialization')).toBeGreaterThan(100);
        expect(report.rewritten.get('@elevenlabs/elevenlabs-js/api')).toBeGreaterThan(100);
        // A plain node process: the real SDK from node_modules beside the lazy bundle.
        const check = `
          const lazyFile = ${JSON.stringify(path.join(dir, 'lazy-sdk.js'))};
          const shape = (v) => (v !== null && typeof v === 'object') || typeof v === 'function' ? Object.keys(v).sort().join(',') : String(v);
          const out = { mismatched: [], loneFailures: [], checked: 0 };
          // Reverse order: the opposite of the order the real barrels load in.
          const lazy = require(lazyFile);
          const real = { serialization: require('@elevenlabs/elevenlabs-js/serialization'), api: require('@elevenlabs/elevenlabs-js/api') };
          for (const part of ['serialization', 'api']) {
            const keys = Object.keys(real[part]);
            if (Object.keys(lazy[part]).sort().join() !== [...keys].sort().join()) out.mismatched.push(part + ': key sets differ');
            for (const key of [...keys].reverse()) {
              out.checked += 1;
              const a = lazy[part][key], b = real[part][key];
              if (typeof a !== typeof b || shape(a) !== shape(b)) out.mismatched.push(part + '.' + key);
            }
          }
          // Each of a spread of names first, in a fresh copy of the bundle.
          const keys = Object.keys(real.serialization);
          for (let i = 0; i < keys.length; i += Math.ceil(keys.length / 40)) {
            delete require.cache[lazyFile];
            try { if (require(lazyFile).serialization[keys[i]] === undefined) out.loneFailures.push(keys[i]); }
            catch (err) { out.loneFailures.push(keys[i] + ': ' + err.message); }
          }
          delete require.cache[lazyFile];
          const fresh = require(lazyFile).serialization;
          const request = { text: 'Namaste', modelId: 'eleven_flash_v2_5', voiceSettings: { stability: 0.5 } };
          out.requestJson = [fresh, real.serialization].map((s) => JSON.stringify(s.StreamTextToSpeechRequest.jsonOrThrow(request, { unrecognizedObjectKeys: 'strip' })));
          out.format = [fresh, real.serialization].map((s) => s.TextToSpeechStreamRequestOutputFormat.jsonOrThrow('pcm_8000'));
          process.stdout.write(JSON.stringify(out));
        `;
        const out = JSON.parse(execFileSync(process.execPath, ['-e', check], { cwd: sdk, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })) as {
          mismatched: string[];
          loneFailures: string[];
          checked: number;
          requestJson: string[];
          format: string[];
        };
        expect(out.mismatched).toEqual([]);
        expect(out.loneFailures).toEqual([]);
        expect(out.checked).toBeGreaterThan(2000);
        expect(out.requestJson[0]).toBe(out.requestJson[1]);
        expect(JSON.parse(out.requestJson[0] as string)).toEqual({ text: 'Namaste', model_id: 'eleven_flash_v2_5', voice_settings: { stability: 0.5 } });
        expect(out.format).toEqual(['pcm_8000', 'pcm_8000']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
