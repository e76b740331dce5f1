#!/usr/bin/env node
// Adds lock entries for platform-specific optional packages the registry mirror does not serve,
// so that `npm ci` accepts the lock; npm skips them on this platform anyway.
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const pk = lock.packages;
const platform = (name) => {
  const m = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64)(?:-(gnu|musl|msvc|gnueabihf))?$/.exec(name);
  if (!m) return null;
  const e = { os: [m[1]], cpu: [m[2]] };
  if (m[3] === 'gnu' || m[3] === 'gnueabihf') e.libc = ['glibc'];
  if (m[3] === 'musl') e.libc = ['musl'];
  return e;
};
let added = 0;
for (const [key, entry] of Object.entries(pk)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies || {})) {
    const path = `node_modules/${dep}`;
    if (pk[path]) continue;
    const p = platform(dep);
    if (!p) {
      console.error('no platform for', dep, 'of', key);
      continue;
    }
    pk[path] = { version, optional: true, ...p };
    added++;
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
