/** Output previews: what kind of file it is, bounded in size, never the whole of a large file. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactFile, previewArtifact } from '../../src/backends/local/pipelines/preview';
import { BackendError } from '../../src/backends/types';

const dir = mkdtempSync(join(tmpdir(), 'kfwb-preview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const artifact = (name: string, schemaTitle = 'system.Artifact') => ({
  name,
  uri: join(dir, name),
  metadata: {},
  type: { schemaTitle, schemaVersion: '0.0.1' }
});

function file(name: string, content: string | Buffer) {
  writeFileSync(join(dir, name), content);
}

// A 1x1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64'
);

describe('previewArtifact', () => {
  it('says a missing artifact was not written', () => {
    expect(previewArtifact(artifact('never'))).toMatchObject({
      kind: 'missing',
      message: `the step did not write ${join(dir, 'never')}`
    });
  });

  it('shows text, markdown, HTML and metrics JSON by extension or artifact type', () => {
    file('log', 'hello\n');
    file('report', '# Title\n');
    file('page.html', '<b>x</b>');
    file('metrics', '{"accuracy": 0.9}');
    expect(previewArtifact(artifact('log'))).toMatchObject({
      kind: 'text',
      text: 'hello\n',
      truncated: false
    });
    expect(previewArtifact(artifact('report', 'system.Markdown')).kind).toBe('markdown');
    expect(previewArtifact(artifact('page.html')).kind).toBe('html');
    expect(previewArtifact(artifact('metrics', 'system.Metrics')).kind).toBe('json');
  });

  it('shows the first rows of a table, also without an extension', () => {
    const rows = ['a,b', ...Array.from({ length: 150 }, (_, i) => `${i},"x, ${i}"`)].join('\n');
    file('data', rows);
    const preview = previewArtifact(artifact('data', 'system.Dataset'));
    expect(preview.kind).toBe('table');
    expect(preview.table?.columns).toEqual(['a', 'b']);
    expect(preview.table?.rows[3]).toEqual(['3', 'x, 3']);
    expect(preview.table?.rows).toHaveLength(100);
    expect(preview.truncated).toBe(true);
    expect(preview.artifact.size).toBe(Buffer.byteLength(rows));
  });

  it('sends an image as base64 with its mime type', () => {
    file('plot.png', PNG);
    expect(previewArtifact(artifact('plot.png'))).toMatchObject({
      kind: 'image',
      mime: 'image/png',
      base64: PNG.toString('base64')
    });
  });

  it('recognises an executed notebook by its JSON', () => {
    file(
      'executed_notebook',
      JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 })
    );
    expect(previewArtifact(artifact('executed_notebook')).kind).toBe('notebook');
  });

  it('cuts long text and says so; refuses to show binary', () => {
    file('big', 'x'.repeat(300 * 1024));
    const big = previewArtifact(artifact('big'));
    expect(big).toMatchObject({ kind: 'text', truncated: true });
    expect(big.text).toHaveLength(256 * 1024);
    file('blob', Buffer.from([0, 1, 2, 3]));
    expect(previewArtifact(artifact('blob'))).toMatchObject({
      kind: 'binary',
      message: 'binary content; download it'
    });
  });

  it('lists a directory artifact', () => {
    mkdirSync(join(dir, 'model', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'model', 'weights.bin'), 'abc');
    writeFileSync(join(dir, 'model', 'sub', 'cfg.json'), '{}');
    expect(previewArtifact(artifact('model', 'system.Model'))).toMatchObject({
      kind: 'directory',
      entries: [
        { path: join('sub', 'cfg.json'), size: 2 },
        { path: 'weights.bin', size: 3 }
      ],
      artifact: { size: 5 },
      truncated: false
    });
  });
});

describe('artifactFile', () => {
  it('answers the file to download, and refuses a directory or a missing file', () => {
    file('out.csv', 'a\n1\n');
    expect(artifactFile(artifact('out.csv'))).toEqual({
      path: join(dir, 'out.csv'),
      size: 4,
      filename: 'out.csv'
    });
    // KFP names the file after the output: the download gets its type's extension.
    file('report', '# Report\n');
    expect(artifactFile(artifact('report', 'system.Markdown')).filename).toBe('report.md');
    expect(artifactFile(artifact('report', 'system.Dataset')).filename).toBe('report');
    expect(() => artifactFile(artifact('model'))).toThrow(BackendError);
    expect(() => artifactFile(artifact('nothing'))).toThrow('did not write');
  });
});
