// Crash consistency: a child process writes through the SQLite store in a tight loop and is killed
// with SIGKILL mid-way, several times over the same file. After every kill the file must hold a
// consistent store: integrity ok, meta.revision = max(mod_revision), every value parses as JSON,
// and the written sequence has no gap and no half-written step.
//
// The child runs the real module, compiled on its own with tsc (only src/storage, so other parts of
// the tree being mid-edit cannot break this test), in plain node without vitest.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SqliteStore } from '../../src/storage/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work: string;
let childScript: string;

// Each step s writes two transactions: create /crash/items/<s> (revision 2s+1), then put the
// counter to s (revision 2s+2). It reports s on stdout after both commit.
const CHILD = `
const [moduleUrl, file] = process.argv.slice(2);
const { openStore } = await import(moduleUrl);
const store = openStore({ kind: 'sqlite', path: file });
const counterKey = '/crash/counter';
const items = (await store.list('/crash/items/')).entries.length;
const counter = await store.get(counterKey);
// A kill between the two writes of a step leaves the item without its counter: finish that step.
let seq = items;
if (items === 1 && !counter) await store.create(counterKey, JSON.stringify({ seq: 0 }));
else if (counter && JSON.parse(counter.value).seq === items - 2) {
  await store.update(counterKey, JSON.stringify({ seq: items - 1 }));
}
process.stdout.write('ready ' + seq + '\\n');
for (;;) {
  const key = '/crash/items/' + String(seq).padStart(9, '0');
  await store.create(key, JSON.stringify({ seq, pad: 'x'.repeat(100 + (seq % 700)) }));
  const value = JSON.stringify({ seq });
  if (seq === 0) await store.create(counterKey, value);
  else await store.update(counterKey, value);
  if (seq % 25 === 0) process.stdout.write(seq + '\\n');
  seq++;
}
`;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-crash-'));
  const out = path.join(work, 'dist');
  execFileSync(
    process.execPath,
    [
      path.join(repo, 'node_modules/typescript/bin/tsc'),
      ...['--outDir', out, '--rootDir', path.join(repo, 'src/storage')],
      ...['--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022'],
      ...['--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node'],
      path.join(repo, 'src/storage/index.ts'),
    ],
    { cwd: repo, stdio: 'pipe' },
  );
  // The compiled files need ESM semantics and the project's better-sqlite3.
  fs.writeFileSync(path.join(work, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  childScript = path.join(work, 'writer.mjs');
  fs.writeFileSync(childScript, CHILD);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs the writer until it has reported `steps` more steps, then SIGKILLs it. */
function runAndKill(file: string, steps: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const moduleUrl = pathToFileURL(path.join(work, 'dist/index.js')).href;
    const child = spawn(process.execPath, [childScript, moduleUrl, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let start: number | undefined;
    let last = -1;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ready ')) start = Number(line.slice(6));
        else last = Number(line);
      }
      if (start !== undefined && last >= start + steps) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`writer exited early (code ${code}): ${stderr}`));
    });
  });
}

interface Snapshot {
  revision: number;
  items: number;
}

/** Checks the file with plain SQL, independent of the store code. */
function checkConsistent(file: string, lastReported: number): Snapshot {
  const db = new Database(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const { revision } = db.prepare('SELECT revision FROM meta WHERE id = 1').get() as { revision: number };
    const { maxMod } = db.prepare('SELECT max(mod_revision) AS maxMod FROM kv').get() as { maxMod: number };
    expect(revision).toBe(maxMod);

    const rows = db.prepare('SELECT key, value, create_revision, mod_revision FROM kv ORDER BY key').all() as {
      key: string;
      value: string;
      create_revision: number;
      mod_revision: number;
    }[];
    const items = rows.filter((r) => r.key.startsWith('/crash/items/'));
    const counter = rows.find((r) => r.key === '/crash/counter')!;
    expect(rows).toHaveLength(items.length + 1);
    // No gap: item s exists for every s up to the last, created at its own revision.
    items.forEach((row, s) => {
      const value = JSON.parse(row.value) as { seq: number };
      expect(value.seq).toBe(s);
      expect(row.create_revision).toBe(2 * s + 1);
      expect(row.mod_revision).toBe(2 * s + 1);
    });
    const last = items.length - 1;
    expect(last).toBeGreaterThanOrEqual(lastReported);
    // The counter is at the last step, or one behind when the kill fell between the two writes.
    const counterSeq = (JSON.parse(counter.value) as { seq: number }).seq;
    expect([last, last - 1]).toContain(counterSeq);
    expect(counter.mod_revision).toBe(2 * counterSeq + 2);
    expect(revision).toBe(Math.max(2 * last + 1, 2 * counterSeq + 2));
    return { revision, items: items.length };
  } finally {
    db.close();
  }
}

describe('SqliteStore crash consistency', () => {
  it('survives SIGKILL mid-write, repeatedly, with no half-written state or revision gap', async () => {
    const file = path.join(work, 'data', 'store.db');
    let previous: Snapshot = { revision: 0, items: 0 };
    for (let round = 0; round < 4; round++) {
      const lastReported = await runAndKill(file, 400 + round * 137);
      const snapshot = checkConsistent(file, lastReported);
      expect(snapshot.revision).toBeGreaterThan(previous.revision);
      expect(snapshot.items).toBeGreaterThan(previous.items);
      previous = snapshot;
    }

    // The store itself reopens on the same file and carries on from the same revision.
    const store = new SqliteStore(file);
    try {
      expect(await store.currentRevision()).toBe(previous.revision);
      const { entries } = await store.list('/crash/items/');
      expect(entries).toHaveLength(previous.items);
      for (const e of entries) JSON.parse(e.value);
      expect(await store.create('/crash/after', '{}')).toBe(previous.revision + 1);
    } finally {
      await store.close();
    }
  });
});
