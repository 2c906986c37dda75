/**
 * A code editor field: JupyterLab's own editor (CodeMirror, with the theme, keys and Python highlighting the
 * user has) when the editor services are there, else a plain textarea (tests, other frontends). Multi-line
 * scripts are pasted and edited as they are; nothing is joined into one line.
 */
import React from 'react';
import { CodeEditor } from '@jupyterlab/codeeditor';

export interface ICodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** From `IEditorServices.factoryService.newInlineEditor`; absent: a textarea. */
  factory?: CodeEditor.Factory;
  mimeType?: string;
  /** Accessible name of the editor. */
  label: string;
  id?: string;
}

export function CodeEditorField(props: ICodeEditorProps): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const model = React.useRef<CodeEditor.Model | null>(null);
  const onChange = React.useRef(props.onChange);
  onChange.current = props.onChange;
  const { factory } = props;

  React.useLayoutEffect(() => {
    if (!factory || !host.current) {
      return;
    }
    const editorModel = new CodeEditor.Model({ mimeType: props.mimeType ?? 'text/x-python' });
    editorModel.sharedModel.setSource(props.value);
    const editor = factory({ host: host.current, model: editorModel });
    const changed = () => onChange.current(editorModel.sharedModel.getSource());
    editorModel.sharedModel.changed.connect(changed);
    model.current = editorModel;
    return () => {
      editorModel.sharedModel.changed.disconnect(changed);
      editor.dispose();
      editorModel.dispose();
      model.current = null;
    };
    // The editor is made once per factory; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [factory]);

  React.useEffect(() => {
    const shared = model.current?.sharedModel;
    if (shared && shared.getSource() !== props.value) {
      shared.setSource(props.value);
    }
  }, [props.value]);

  if (!factory) {
    return (
      <textarea
        id={props.id}
        className="kf-code-editor-fallback"
        aria-label={props.label}
        rows={12}
        spellCheck={false}
        value={props.value}
        onChange={e => props.onChange(e.target.value)}
      />
    );
  }
  return <div ref={host} id={props.id} className="kf-code-editor" aria-label={props.label} />;
}
