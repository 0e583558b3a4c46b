import * as assert from 'node:assert/strict';
import { prettyBody } from '../../../src/extension/invoke/render';

describe('response view: server text is never a replacement pattern', () => {
  for (const name of ["Key: a$'b", 'Key: a$`b', 'Key: $&$&', 'Key: $1$2']) {
    it(`FgUsername ${JSON.stringify(name)} is shown as sent`, () => {
      const body = JSON.stringify({ FgUsername: name, after: 'tail' });
      const { html } = prettyBody(body, 'application/json');
      const text = html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      // Exactly the pretty JSON, once: `$'` would have repeated the tail, `$&` the match.
      assert.equal(text, JSON.stringify(JSON.parse(body), null, 2));
      assert.match(html, /<mark class="username">/);
    });
  }
});
