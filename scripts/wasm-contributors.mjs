// Where the bytes of a wasm module go: code size per crate (from the function names of the
// module's `name` section, demangled to their first path segment) and the data segments.
// Works on cargo's output before wasm-bindgen and wasm-opt (which strip the names), so the
// figures are shares, not the final sizes.
//
// Usage: node scripts/wasm-contributors.mjs FILE.wasm [top=15]   (prints a Markdown table)
// Also imported by scripts/size-report.mjs.
import fs from 'node:fs';

function leb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [result, pos];
}

/** The crate of a (mangled) Rust symbol, or a bucket for the others. */
export function crateOf(name) {
  // The view of a component, monomorphised inside yew's lifecycle: the app's own pages.
  if (name.includes('CompStateInner') && name.includes('view')) return 'vues des pages (cus_app, dans yew)';
  let m = name.match(/^_ZN(\d+)/); // legacy mangling: _ZN<len><segment>…
  if (m) {
    const len = Number(m[1]);
    const start = 3 + m[1].length;
    let seg = name.slice(start, start + len);
    // Trait impls: `_$LT$T$u20$as$u20$Trait$GT$`: the crate of the type.
    const inner = seg.match(/^_\$LT\$(?:\$RF\$)?(?:mut\$u20\$)?([a-z_][a-z0-9_]*)/);
    if (inner) seg = inner[1];
    return seg;
  }
  m = name.match(/^_R[a-zA-Z]*?C(?:s\d*_)?(\d+)([a-z_][a-zA-Z0-9_]*)/); // v0 mangling
  if (m) return m[2].slice(0, Number(m[1]));
  // Demangled names (`cus_core::rules::…`, `<alloc::vec::Vec<T> as core::fmt::Debug>::fmt`).
  m = name.match(/^<?(?:&(?:mut )?)?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  if (m) return m[1];
  if (/^__wbindgen_describe/.test(name)) return '(descripteurs wasm-bindgen, retirés par wasm-bindgen)';
  if (/^(__|dlmalloc|memcpy|memset|memmove|memcmp)/.test(name)) return '(runtime: allocator, compiler builtins)';
  if (/^(wasm_bindgen|__wbg|__wbindgen)/.test(name)) return 'wasm_bindgen';
  return '(other)';
}

/** { code: Map(crate → bytes), data, total, functions } of a wasm file. */
export function contributors(file) {
  const buf = fs.readFileSync(file);
  let pos = 8;
  let imports = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  const sections = {};
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = leb(buf, pos);
    const end = pos + size;
    if (id === 2) { // imports: functions among them shift the indices of the code section
      let [n, p] = leb(buf, pos);
      for (let i = 0; i < n; i++) {
        let len;
        [len, p] = leb(buf, p); p += len;
        [len, p] = leb(buf, p); p += len;
        const kind = buf[p++];
        if (kind === 0) { [, p] = leb(buf, p); imports++; }
        else if (kind === 1) { p++; const [flags, q] = leb(buf, p); p = q; [, p] = leb(buf, p); if (flags & 1) [, p] = leb(buf, p); }
        else if (kind === 2) { const [flags, q] = leb(buf, p); p = q; [, p] = leb(buf, p); if (flags & 1) [, p] = leb(buf, p); }
        else if (kind === 3) { p += 2; }
        else if (kind === 4) { p++; [, p] = leb(buf, p); }
      }
    } else if (id === 10) {
      let [n, p] = leb(buf, pos);
      for (let i = 0; i < n; i++) {
        let len;
        const start = p;
        [len, p] = leb(buf, p);
        bodies.push(p - start + len);
        p += len;
      }
    } else if (id === 11) {
      data += size;
    } else if (id === 0) {
      let [len, p] = leb(buf, pos);
      const name = buf.subarray(p, p + len).toString('utf8');
      p += len;
      if (name === 'name') {
        while (p < end) {
          const sub = buf[p++];
          let subSize;
          [subSize, p] = leb(buf, p);
          const subEnd = p + subSize;
          if (sub === 1) {
            let [n, q] = leb(buf, p);
            for (let i = 0; i < n; i++) {
              let idx, l;
              [idx, q] = leb(buf, q);
              [l, q] = leb(buf, q);
              names.set(idx, buf.subarray(q, q + l).toString('utf8'));
              q += l;
            }
          }
          p = subEnd;
        }
      }
    }
    sections[id] = (sections[id] ?? 0) + size;
    pos = end;
  }
  const code = new Map();
  const byFunction = bodies.map((size, i) => [names.get(imports + i) ?? `#${imports + i}`, size]);
  bodies.forEach((size, i) => {
    const crate = crateOf(names.get(imports + i) ?? '');
    code.set(crate, (code.get(crate) ?? 0) + size);
  });
  const codeTotal = bodies.reduce((a, b) => a + b, 0);
  return { code, codeTotal, data, functions: bodies.length, named: names.size, byFunction };
}

/** Markdown table of the `top` biggest contributors. */
export function contributorsTable(file, top = 15) {
  const { code, codeTotal, data, functions } = contributors(file);
  const all = codeTotal + data;
  const pct = (n) => `${(100 * n / all).toFixed(1).replace('.', ',')} %`;
  const kib = (n) => `${(n / 1024).toFixed(1).replace('.', ',')} Kio`;
  const rows = [...code.entries()].sort((a, b) => b[1] - a[1]);
  const lines = ['| contributeur | taille brute | part |', '|---|---:|---:|',
    `| données (chaînes, tables, catalogues et référentiel intégrés) | ${kib(data)} | ${pct(data)} |`];
  for (const [crate, size] of rows.slice(0, top)) lines.push(`| code : ${crate.startsWith('(') || crate.includes(' ') ? crate : `\`${crate}\``} | ${kib(size)} | ${pct(size)} |`);
  const rest = rows.slice(top).reduce((a, [, s]) => a + s, 0);
  lines.push(`| code des ${rows.length - Math.min(top, rows.length)} autres crates | ${kib(rest)} | ${pct(rest)} |`);
  lines.push(`| **total code + données** (${functions} fonctions) | **${kib(all)}** | 100 % |`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(contributorsTable(process.argv[2], Number(process.argv[3] ?? 15)));
}
