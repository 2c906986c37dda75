/** JupyterLab loads style/index.js (the package's styleModule): every stylesheet must be imported there. */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

describe('stylesheets', () => {
  const dir = join(__dirname, '..', 'style');
  const sheets = readdirSync(dir).filter(f => f.endsWith('.css') && f !== 'index.css');
  it.each(sheets)('%s is imported by style/index.js and style/index.css', sheet => {
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain(`import './${sheet}';`);
    expect(readFileSync(join(dir, 'index.css'), 'utf8')).toContain(`@import url('${sheet}');`);
  });
});
