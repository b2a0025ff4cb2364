/**
 * Drops the mappings of some sources from a source map (v3), keeping every other mapping exact.
 *
 * Why: the voice image runs with --enable-source-maps, and the first stack trace Node formats
 * decodes the whole map. For the bundle's map (18 MB of JavaScript, 10 MB of it one SDK) that took
 * 832 ms of CPU in one go and kept 193 MB of heap for the life of the process. Mapping only our
 * own sources keeps TypeScript positions for our frames; library frames keep the bundle's
 * position and their function names.
 */

export interface SourceMapV3 {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
  sourceRoot?: string;
  file?: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment's base64 VLQ fields. */
function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: '${char}' is not a base64 VLQ digit`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new Error('source map: a VLQ value is cut short');
  return out;
}

function encodeValue(n: number): string {
  let v = n < 0 ? -n * 2 + 1 : n * 2;
  let out = '';
  do {
    let digit = v % 32;
    v = Math.floor(v / 32);
    if (v > 0) digit |= 32;
    out += BASE64[digit];
  } while (v > 0);
  return out;
}

/**
 * A copy of `map` whose mappings only point into sources for which `keep(source)` is true.
 * Generated positions with no kept mapping are left unmapped.
 */
export function keepSourceMappings(map: SourceMapV3, keep: (source: string) => boolean): SourceMapV3 {
  const kept = map.sources.map((s) => keep(s));
  // A segment's source, line, column and name are relative to the previous segment's in the whole
  // file, its generated column to the previous one on the same line: decode to absolute, filter,
  // and re-encode relative to what was written.
  const absolute = [0, 0, 0, 0];
  const written = [0, 0, 0, 0];
  const lines = map.mappings.split(';').map((line) => {
    let genCol = 0;
    let writtenGenCol = 0;
    const segments: string[] = [];
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeSegment(segment);
      genCol += fields[0] ?? 0;
      if (fields.length < 4) continue; // a generated position with no source: nothing to keep
      for (let i = 1; i < fields.length; i++) absolute[i - 1] = (absolute[i - 1] ?? 0) + (fields[i] ?? 0);
      if (!kept[absolute[0] ?? 0]) continue;
      let encoded = encodeValue(genCol - writtenGenCol);
      writtenGenCol = genCol;
      for (let i = 1; i < fields.length; i++) {
        encoded += encodeValue((absolute[i - 1] ?? 0) - (written[i - 1] ?? 0));
        written[i - 1] = absolute[i - 1] ?? 0;
      }
      segments.push(encoded);
    }
    return segments.join(',');
  });
  const filtered: SourceMapV3 = { ...map, mappings: lines.join(';') };
  if (map.sourcesContent) filtered.sourcesContent = map.sourcesContent.map((c, i) => (kept[i] ? c : null));
  return filtered;
}
