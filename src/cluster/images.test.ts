import { describe, expect, it } from 'vitest';
import type { ImageInfo } from '../driver/driver.js';
import { humanSize, renderJson, renderShort, splitTag, tableRows } from './images.js';

const images: ImageInfo[] = [
  { id: 'sha256:14d961b1791070155eadfd4d41a9aa869e6bd93144b13e835cdd7dc5178e8ebe', repoTags: ['web:v1', 'localhost:5000/web:v1'], repoDigests: [], size: 1_990_000, created: 1 },
  { id: 'sha256:990a2e2e41c1222ded0b8eb8b3ce56227e9954e51d0d0a157362b21149af45d8', repoTags: [], repoDigests: [], size: 134_558_982, created: 2 },
];

describe('image ls formats', () => {
  it('short: one line per tag, untagged images by id', () => {
    expect(renderShort(images)).toBe('localhost:5000/web:v1\nsha256:990a2e2e41c1222ded0b8eb8b3ce56227e9954e51d0d0a157362b21149af45d8\nweb:v1\n');
  });

  it('table rows: repository, tag, short id, docker\'s sizes', () => {
    expect(tableRows(images)).toEqual([
      ['<none>', '<none>', '990a2e2e41c1', '135MB'],
      ['localhost:5000/web', 'v1', '14d961b17910', '1.99MB'],
      ['web', 'v1', '14d961b17910', '1.99MB'],
    ]);
    expect(splitTag('localhost:5000/web')).toEqual(['localhost:5000/web', '<none>']);
    expect([humanSize(999), humanSize(1000), humanSize(2_500_000_000)]).toEqual(['999B', '1kB', '2.5GB']);
  });

  it('json: minikube\'s fields, the size as a string', () => {
    expect(JSON.parse(renderJson(images.slice(0, 1)))).toEqual([{ id: '14d961b1791070155eadfd4d41a9aa869e6bd93144b13e835cdd7dc5178e8ebe', repoDigests: [], repoTags: ['web:v1', 'localhost:5000/web:v1'], size: '1990000' }]);
  });
});
