import assert from 'node:assert/strict';
import { appFolder, isComposeFileOf } from '../../src/core/composeProject';

describe('which folder holds the app project', () => {
  const files = new Set(['/ws/b/compose.yaml', '/ws/c/docker-compose.yml']);
  const exists = (f: string) => files.has(f);

  it('is the first folder with a compose file in a multi-root workspace', () => {
    assert.equal(appFolder(['/ws/a', '/ws/b', '/ws/c'], false, exists), '/ws/b');
    assert.equal(appFolder(['/ws/a'], false, exists), '/ws/a', 'no compose file anywhere: the first folder');
    assert.equal(appFolder([], false, exists), undefined);
  });

  it('is the first folder when realm.composeFiles names the files (they are relative to it)', () => {
    assert.equal(appFolder(['/ws/a', '/ws/b'], true, exists), '/ws/a');
  });

  it('reacts to default compose names, their overrides and configured files only', () => {
    assert.equal(isComposeFileOf('/ws/a/compose.yaml', '/ws/a', []), true);
    assert.equal(isComposeFileOf('/ws/a/docker-compose.override.yml', '/ws/a', []), true);
    assert.equal(isComposeFileOf('/ws/a/deploy/dev.yml', '/ws/a', ['deploy/dev.yml']), true);
    assert.equal(isComposeFileOf('/ws/a/.github/workflows/ci.yml', '/ws/a', ['deploy/dev.yml']), false);
  });
});
