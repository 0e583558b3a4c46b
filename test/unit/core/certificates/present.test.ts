import * as assert from 'node:assert/strict';
import { certificateMarkdown, expiryLevel, expiryMessage, generateCertificate, scanCertificateBlocks, type GeneratedCertificate } from '../../../../src/core/certificates';

describe('certificates: editor presentation (hover, blocks, expiry)', () => {
  let a: GeneratedCertificate;
  let b: GeneratedCertificate;
  before(async () => {
    a = await generateCertificate({ keyType: 'ec', cn: 'first_cert*' });
    b = await generateCertificate({ keyType: 'ec', days: 5 });
  });

  it('finds every certificate block with its offsets, and skips other PEM blocks', () => {
    const text = `intro\n${a.certPem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${b.certPem}`;
    const blocks = scanCertificateBlocks(text);
    assert.equal(blocks.length, 2);
    assert.equal(blocks[0].start, 6);
    assert.equal(text.slice(blocks[0].start, blocks[0].end), a.certPem.trimEnd());
    assert.deepEqual(blocks.map((x) => x.info?.thumbprint), [a.thumbprint, b.thumbprint]);
    assert.deepEqual(scanCertificateBlocks('no certificates here'), []);
  });

  it('reports damaged and truncated blocks instead of failing', () => {
    const lines = a.certPem.trim().split('\n');
    const damaged = [lines[0], lines[1], lines[lines.length - 1]].join('\n');
    const truncated = a.certPem.slice(0, 200);
    const blocks = scanCertificateBlocks(`${damaged}\n${b.certPem}${truncated}`);
    assert.equal(blocks.length, 3);
    assert.match(blocks[0].error!, /damaged/);
    assert.equal(blocks[1].info?.thumbprint, b.thumbprint);
    assert.match(blocks[2].error!, /Truncated/);
    // A truncated block before a good one does not swallow it.
    const again = scanCertificateBlocks(`${truncated}\n${b.certPem}`);
    assert.equal(again.length, 2);
    assert.match(again[0].error!, /Truncated/);
    assert.equal(again[1].info?.thumbprint, b.thumbprint);
  });

  it('hover markdown: subject (escaped), validity, both fingerprints, copy command links', () => {
    const [block] = scanCertificateBlocks(a.certPem);
    const md = certificateMarkdown(block.info!);
    assert.match(md, /CN=first\\_cert\\\*/);
    assert.match(md, /expires in 600 days/);
    assert.ok(md.includes(`\`${a.thumbprint}\``) && md.includes(`\`${a.sha256}\``));
    const link = /\(command:flowgear\.cert\.copyThumbprint\?([^ )]+)/.exec(md);
    assert.ok(link);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [a.thumbprint]);
  });

  it('expiry levels follow the warning days; expired says so', () => {
    const [soon] = scanCertificateBlocks(b.certPem);
    assert.equal(expiryLevel(soon.info!, 30), 'soon');
    assert.equal(expiryLevel(soon.info!, 4), 'ok');
    assert.match(expiryMessage(soon.info!), /in 5 days/);
    const [expired] = scanCertificateBlocks(b.certPem, b.notAfter.getTime() + 86_400_000);
    assert.equal(expiryLevel(expired.info!, 30), 'expired');
    assert.match(expiryMessage(expired.info!), /expired on/);
    assert.match(certificateMarkdown(expired.info!), /\*\*EXPIRED 1 day ago\*\*/);
  });
});
