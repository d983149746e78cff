import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendJsonLine, parseJsonLines, writeFileAtomic, writeJsonAtomic } from '../../../src/reporting/atomic-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report file writes', () => {
  it('replaces a file whole and leaves no temporary file behind', () => {
    const path = join(dir, 'nested', 'summary.json');
    writeJsonAtomic(path, { a: 1 });
    writeFileAtomic(path, '{"a":2}\n');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 2 });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['summary.json']);
  });

  it('journals one JSON value per line and survives a torn last line', () => {
    const path = join(dir, 'j.jsonl');
    appendJsonLine(path, { id: 'A' });
    appendJsonLine(path, { id: 'B' });
    const text = `${readFileSync(path, 'utf8')}{"id":"C`;
    expect(parseJsonLines(text)).toEqual([{ id: 'A' }, { id: 'B' }]);
  });
});
