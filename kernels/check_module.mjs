// Fails the kernel build when the module could write outside the tensors it is given.
//
// The module imports tfjs-wasm's memory. A data segment would be copied over tfjs's static
// data at instantiation, and a shadow stack would live at an address lld picks inside that
// same memory, so both are forbidden: the object file must not reference any global (clang
// reaches the shadow stack only through the __stack_pointer global), and the linked module
// must have no data section, import only the memory and export only the kernel entry points.
//
//   node kernels/check_module.mjs maec_kernels.wasm matmul.o elementwise.o adamw.o
import { readFileSync } from 'node:fs';

const [modulePath, ...objectPaths] = process.argv.slice(2);
if (!modulePath || objectPaths.length === 0) {
  console.error('usage: node check_module.mjs <module.wasm> <object.o>...');
  process.exit(2);
}

/** Section ids of a wasm binary, in order (custom sections are 0). */
function sectionIds(bytes) {
  const ids = [];
  let at = 8; // magic + version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

const errors = [];
for (const objectPath of objectPaths) {
  const object = new WebAssembly.Module(readFileSync(objectPath));
  for (const imp of WebAssembly.Module.imports(object)) {
    if (imp.kind === 'global') errors.push(`${objectPath} references global ${imp.name} (shadow stack use)`);
    if (imp.kind === 'function') errors.push(`${objectPath} calls external function ${imp.name}`);
  }
}

const bytes = readFileSync(modulePath);
const module = new WebAssembly.Module(bytes);
const ids = sectionIds(bytes);
if (ids.includes(11)) errors.push('module has a data section');
if (ids.includes(12)) errors.push('module has a data count section');
const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
if (imports.join(',') !== 'env.memory:memory') errors.push(`module imports ${imports.join(', ')}; expected only env.memory`);
const exports = WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`).sort();
const expected = [
  'maec_adamw', 'maec_gelu', 'maec_gelu_grad', 'maec_layer_norm', 'maec_layer_norm_grad', 'maec_matmul',
  'maec_scratch_floats', 'maec_softmax_grad', 'maec_sum_rows',
].map((name) => `${name}:function`);
if (exports.join(',') !== expected.join(',')) errors.push(`module exports ${exports.join(', ')}; expected ${expected.join(', ')}`);

if (errors.length > 0) {
  for (const e of errors) console.error(`kernels/check_module.mjs: ${e}`);
  process.exit(1);
}
console.log(`kernels/check_module.mjs: ${modulePath}: no data, no stack, imports only memory`);
