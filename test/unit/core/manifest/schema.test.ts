import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_PROPS, KEY_PROPS, WORKFLOW_PROPS } from '../../../../src/core/manifest/entries';
import { TOP_LEVEL } from '../../../../src/core/manifest/load';
import { HTTP_METHODS } from '../../../../src/core/manifest/routes';

/** The editor validates with the JSON schema, the CLI with the loader: they must agree. */
describe('manifest JSON schema', () => {
  const schema = JSON.parse(readFileSync(join(process.cwd(), 'schemas', 'flowgear.schema.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
  const props = (o: { properties: Record<string, { description?: string }> }) => Object.keys(o.properties).sort();

  it('knows exactly the properties the loader knows', () => {
    assert.deepEqual(props(schema), [...TOP_LEVEL].sort());
    assert.deepEqual(props(schema.definitions.environment), [...ENV_PROPS].sort());
    assert.deepEqual(props(schema.definitions.workflow), [...WORKFLOW_PROPS].sort());
    assert.deepEqual(props(schema.definitions.key), [...KEY_PROPS].sort());
    assert.deepEqual(schema.definitions.workflow.properties.method.enum, [...HTTP_METHODS]);
  });

  it('describes every field (hover help in the editor)', () => {
    for (const o of [schema, schema.definitions.environment, schema.definitions.workflow, schema.definitions.key]) {
      for (const [name, p] of Object.entries(o.properties as Record<string, { description?: string }>)) {
        if (name !== '$schema') assert.ok((p.description ?? '').length > 20, `${name} has a description`);
      }
    }
  });

  it('is contributed for flowgear.json', () => {
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'flowgear.json', url: './schemas/flowgear.schema.json' }]);
  });
});
