/** Builds safetensors bytes by hand (any header, even a broken one) for the corruption tests. */
import { fileURLToPath } from 'node:url';

/** `[u64 LE length][header text][data]`; `declaredLength` overrides the length field. */
export function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A file of the repository's first parity fixture (tests/fixtures/parity/a_rgb32_p4). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/parity/a_rgb32_p4/${name}`, import.meta.url));
}
