/** The editor's document model on a real JupyterLab shared file model (YFile), as the document widget uses it. */
import { YFile } from '@jupyter/ydoc';
import { PipelineDocument, textChange } from './document';
import { addNode, moveNodes, newPipeline, serializeDocument } from './ops';

function open(text = serializeDocument(newPipeline('Doc'))) {
  const shared = new YFile();
  shared.setSource(text);
  // Loading the file is not an edit the user can undo.
  shared.undoManager.clear();
  return { shared, doc: new PipelineDocument(shared) };
}

describe('PipelineDocument', () => {
  it('applies operations to the shared text and emits once per change', () => {
    const { shared, doc } = open();
    const seen: number[] = [];
    doc.changed.connect(() => seen.push(doc.spec!.nodes.length));
    doc.apply(s => addNode(s, { kind: 'script', file: 'a.py', position: { x: 0, y: 0 } }).spec);
    expect(JSON.parse(shared.getSource()).nodes[0].id).toBe('a');
    expect(seen).toEqual([1]);
    // An operation that changes nothing writes nothing.
    doc.apply(s => s);
    doc.apply(s => moveNodes(s, new Map([['a', { x: 0, y: 0 }]])));
    expect(seen).toEqual([1]);
  });

  it('makes each operation one undo step of the document, and redoes it', () => {
    const { doc } = open();
    doc.apply(s => addNode(s, { kind: 'script', file: 'a.py', position: { x: 0, y: 0 } }).spec);
    doc.apply(s => addNode(s, { kind: 'script', file: 'b.py', position: { x: 0, y: 0 } }).spec);
    doc.apply(s => moveNodes(s, new Map([['a', { x: 50, y: 60 }]])));
    expect(doc.canUndo).toBe(true);
    doc.undo();
    expect(doc.spec!.nodes[0].position).toEqual({ x: 0, y: 0 });
    doc.undo();
    expect(doc.spec!.nodes.map(n => n.id)).toEqual(['a']);
    expect(doc.canRedo).toBe(true);
    doc.redo();
    expect(doc.spec!.nodes.map(n => n.id)).toEqual(['a', 'b']);
  });

  it('follows edits made by others (revert, a collaborator) and reports text it cannot read', () => {
    const { shared, doc } = open();
    let changes = 0;
    doc.changed.connect(() => changes++);
    shared.setSource(serializeDocument({ ...newPipeline('Theirs'), description: 'from disk' }));
    expect(doc.spec!.name).toBe('Theirs');
    shared.setSource('{"version": 1, ');
    expect(doc.spec).toBeNull();
    expect(doc.problem).toMatch(/not valid JSON/);
    // No edits while the text is broken: the user repairs it first.
    doc.apply(s => addNode(s, { kind: 'script', position: { x: 0, y: 0 } }).spec);
    expect(shared.getSource()).toBe('{"version": 1, ');
    expect(changes).toBe(2);
  });

  it('keeps a concurrent edit elsewhere in the file: only the changed span is replaced', () => {
    expect(textChange('abcXdef', 'abcYYdef')).toEqual({ start: 3, end: 4, value: 'YY' });
    expect(textChange('same', 'same')).toEqual({ start: 4, end: 4, value: '' });
    expect(textChange('aa', 'aaa')).toEqual({ start: 2, end: 2, value: 'a' });
  });
});
