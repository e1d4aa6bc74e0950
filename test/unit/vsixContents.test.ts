import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Lists the entry names of a zip file from its central directory (a .vsix is a zip). */
function zipEntries(file: string): string[] {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory entry signature');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

describe('the packaged .vsix', function () {
  this.timeout(120_000);

  it('contains only dist/, media/, stack/ and the manifest files — no sources, tests or maps', () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'extension.js')), 'built first (npm run build)');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'realm-vsix-')), 'realm.vsix');
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', out],
      { cwd: ROOT, stdio: 'pipe' },
    );
    const files = zipEntries(out)
      .filter((f) => f.startsWith('extension/'))
      .map((f) => f.slice('extension/'.length));
    // vsce stores the readme/changelog under lower-case names
    const allowedTopLevel = new Set(['package.json', 'readme.md', 'changelog.md', 'LICENSE', 'LICENSE.txt']);
    const stray = files.filter((f) => !/^(dist|media|stack)\//.test(f) && !allowedTopLevel.has(f));
    assert.deepEqual(stray, [], 'nothing outside dist/, media/, stack/ and the manifest');
    assert.ok(files.includes('dist/extension.js'));
    assert.ok(files.includes('stack/compose.yaml'), 'the shipped stack');
    assert.ok(
      files.some((f) => f.startsWith('media/icons/')),
      'the activity-bar icon',
    );
    assert.deepEqual(
      files.filter((f) => /\.(ts|map)$/.test(f) || f.startsWith('src/') || f.startsWith('test/')),
      [],
    );
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
