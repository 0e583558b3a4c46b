/** The escaping helpers every generator goes through (src/core/codegen/escape.ts), case by case. */
import * as assert from 'node:assert/strict';
import { comment, commentText, csPath, envVarName, goStr, javaStr, jsStr, psHereStringOk, psStr, psWord, pyStr, shq, shWord, wellFormed } from '../../../src/core/codegen/escape';
import { UserError } from '../../../src/core/errors';

describe('codegen: escape helpers', () => {
  it('comment text keeps no line terminator, control or invisible character', () => {
    for (const c of ['\r', '\n', '\u0085', '\u2028', '\u2029', '\0', '\u001b', '\u007f', '\u202e', '\u2066', '\ufeff', '\u200b']) {
      const t = commentText(`a${c}b`, 'slash');
      assert.equal(t, `a<U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}>b`);
    }
    assert.equal(commentText('Zürich ☕ 😀', 'hash'), 'Zürich ☕ 😀');
    assert.equal(commentText('lone \ud800 x', 'hash'), 'lone \ufffd x');
    assert.equal(comment('hash', ['a\nb', '', 'c']), '# a<U+000A>b\n#\n# c');
  });

  it('Java comments: no backslash run before u is left for javac to read as an escape', () => {
    assert.equal(commentText('C:\\users\\u000a', 'java'), 'C:\\\\users\\\\u000a');
    assert.equal(commentText('\\\\u000a', 'java'), '\\\\\\\\u000a');
    // javac: a \ starts an escape only after an even number of backslashes.
    for (const s of ['\\u000a', '\\\\\\u0022', 'x\\uuuu002a/']) {
      const t = commentText(s, 'java');
      for (const m of t.matchAll(/(\\+)u/g)) assert.equal(m[1].length % 2, 0, `${JSON.stringify(t)}`);
    }
    assert.equal(commentText('\\u000a', 'slash'), '\\u000a');
  });

  it('Python comments: no coding cookie', () => {
    assert.equal(commentText('x coding: utf-7 coding=latin-1', 'python'), 'x coding : utf-7 coding =latin-1');
    assert.doesNotMatch(comment('python', ['-*- coding: unicode_escape -*-']), /coding[:=]/);
  });

  it('string literals escape quotes, backslashes, terminators and invisible characters', () => {
    const s = `a"b'c\\d\ne\u2028f\u0085g\u202eh\0i`;
    assert.equal(pyStr(s), '"a\\"b\'c\\\\d\\ne\\u2028f\\u0085g\\u202eh\\u0000i"');
    assert.equal(goStr(s), pyStr(s));
    assert.equal(jsStr(s), "'a\"b\\'c\\\\d\\ne\\u2028f\\u0085g\\u202eh\\u0000i'");
    assert.equal(javaStr('Zürich ☕'), '"Z\\u00fcrich \\u2615"');
    assert.equal(javaStr('\\u0022'), '"\\\\u0022"');
    assert.equal(goStr('\udc00'), '"\ufffd"', 'Go refuses surrogate escapes');
    assert.equal(wellFormed('😀\ud83d'), '😀\ufffd');
  });

  it('C# paths are verbatim only when that is plain text', () => {
    assert.equal(csPath('C:\\certs\\a "b".pfx'), '@"C:\\certs\\a ""b"".pfx"');
    assert.equal(csPath('a\u2028b'), '"a\\u2028b"');
    assert.equal(csPath('a\nb'), '"a\\nb"');
  });

  it("PowerShell doubles all four single-quote characters; here-strings only for plain lines", () => {
    assert.equal(psStr("a'b\u2018c\u2019d\u201ae\u201bf"), "'a''b\u2018\u2018c\u2019\u2019d\u201a\u201ae\u201b\u201bf'");
    assert.equal(psStr('"$(x)`'), "'\"$(x)`'");
    assert.equal(psHereStringOk('{\n  "a": 1\n}'), true);
    for (const body of ["x\n'@\ny", 'x\n\u2019@', 'x\n  \u2018@', 'a\r\nb', 'a\u2028b', 'a\0b']) assert.equal(psHereStringOk(body), false, JSON.stringify(body));
    assert.equal(psWord('C:\\certs\\ci.pfx'), 'C:\\certs\\ci.pfx');
    assert.equal(psWord('/x/a b.pfx'), "'/x/a b.pfx'");
    assert.equal(psWord('-x'), "'-x'");
  });

  it('shell words: single quotes, bare only when plain, NUL refused', () => {
    assert.equal(shq("it's"), "'it'\\''s'");
    assert.equal(shWord('/work/a-b/c.pfx'), '/work/a-b/c.pfx');
    assert.equal(shWord('$(id)'), "'$(id)'");
    assert.equal(shWord('-rf'), "'-rf'");
    assert.throws(() => shq('a\0b'), UserError);
  });

  it('environment variable names: identifiers only', () => {
    assert.equal(envVarName('FG_PASS_1'), 'FG_PASS_1');
    for (const bad of ['', '1X', 'X;rm', 'X-Y', 'X\n', 'ÄB', 'a b']) assert.throws(() => envVarName(bad), UserError, JSON.stringify(bad));
  });
});
